package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** How an object's ownerReferences changed in an update, by owner uid (upstream: referencesDiffs). */
record RefDiff(List<OwnerReference> added, List<OwnerReference> removed, List<Changed> changed) {
    record Changed(OwnerReference before, OwnerReference after) {
    }

    static RefDiff between(List<OwnerReference> before, List<OwnerReference> after) {
        Map<String, OwnerReference> old = new LinkedHashMap<>();
        before.forEach(r -> old.put(r.getUid(), r));
        List<OwnerReference> added = new ArrayList<>();
        List<Changed> changed = new ArrayList<>();
        for (OwnerReference r : after) {
            OwnerReference was = old.remove(r.getUid());
            if (was == null) {
                added.add(r);
            } else if (!Objects.equals(was, r)) {
                changed.add(new Changed(was, r));
            }
        }
        return new RefDiff(added, List.copyOf(old.values()), changed);
    }

    boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
