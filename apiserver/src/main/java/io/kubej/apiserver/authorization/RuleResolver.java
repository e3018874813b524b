package io.kubej.apiserver.authorization;

import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.rbac.PolicyRule;
import java.util.List;

/**
 * Lists what a user may do in a namespace (upstream {@code authorizer.RuleResolver}), for
 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}) and RBAC's escalation check.
 */
@FunctionalInterface
public interface RuleResolver {
    /**
     * @param incomplete true when some authorizer could not list its rules (the Node authorizer's
     *                   depend on the object asked for), so the list is a lower bound
     */
    record Rules(List<PolicyRule> resourceRules, List<PolicyRule> nonResourceRules, boolean incomplete) {
    }

    Rules rulesFor(UserInfo user, String namespace);
}
