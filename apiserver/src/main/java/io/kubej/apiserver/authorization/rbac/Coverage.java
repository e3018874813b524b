package io.kubej.apiserver.authorization.rbac;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether one set of rules covers another (upstream {@code rbac/validation.Covers}): every
 * single permission of the other set, one verb on one resource of one group (and name), or one
 * verb on one URL, must be allowed by some rule of the first. A wildcard asked for must be
 * held as a wildcard.
 */
final class Coverage {
    private Coverage() {
    }

    /** The rules of {@code servant} (split into single permissions) that {@code owner} does not cover. */
    static List<PolicyRule> uncovered(List<PolicyRule> owner, List<PolicyRule> servant) {
        List<PolicyRule> missing = new ArrayList<>();
        for (PolicyRule rule : servant) {
            for (PolicyRule single : split(rule)) {
                if (owner.stream().noneMatch(o -> covers(o, single))) {
                    missing.add(single);
                }
            }
        }
        return missing;
    }

    private static List<PolicyRule> split(PolicyRule r) {
        List<PolicyRule> out = new ArrayList<>();
        for (String verb : r.verbs()) {
            for (String url : r.nonResourceURLs()) {
                out.add(PolicyRule.urls(List.of(url), List.of(verb)));
            }
            for (String group : r.apiGroups()) {
                for (String resource : r.resources()) {
                    if (r.resourceNames().isEmpty()) {
                        out.add(PolicyRule.resources(List.of(group), List.of(resource), List.of(verb)));
                    } else {
                        for (String name : r.resourceNames()) {
                            out.add(PolicyRule.resources(List.of(group), List.of(resource), List.of(verb)).withNames(name));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean covers(PolicyRule owner, PolicyRule single) {
        if (!owner.matchesVerb(single.verbs().get(0))) {
            return false;
        }
        if (single.isNonResource()) {
            return owner.matchesUrl(single.nonResourceURLs().get(0));
        }
        if (owner.isNonResource() || !owner.matchesGroup(single.apiGroups().get(0))) {
            return false;
        }
        String resource = single.resources().get(0);
        int slash = resource.indexOf('/');
        boolean resourceOk = slash < 0 ? owner.matchesResource(resource, "")
                : owner.matchesResource(resource.substring(0, slash), resource.substring(slash + 1));
        if (!resourceOk) {
            return false;
        }
        return owner.resourceNames().isEmpty()
                || !single.resourceNames().isEmpty() && owner.resourceNames().contains(single.resourceNames().get(0));
    }
}
