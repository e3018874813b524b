package io.kubej.apiserver.registry.coordination.lease;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.List;

/** Leases (coordination.k8s.io/v1): node heartbeats in kube-node-lease and leader election locks. */
public final class LeaseStrategy implements RESTStrategy {
    @Override
    public boolean hasStatus() {
        return false;
    }

    @Override
    public List<Cause> validate(ObjectNode lease) {
        return List.of();
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the lease"),
                Column.of("Holder", "string", "Current holder identity"),
                Column.of("Age", "string", "Time since creation")), (l, now) -> List.of(
                        TableConvertor.name(l), l.path("spec").path("holderIdentity").asText(""), TableConvertor.age(l, now)));
    }
}
