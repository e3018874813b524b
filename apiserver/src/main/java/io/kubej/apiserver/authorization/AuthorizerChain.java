package io.kubej.apiserver.authorization;

import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.authorization.rbac.PolicyRule;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The authorizers of {@code --authorization-mode} in flag order (upstream
 * {@code authorizer/union}): the first that allows or denies decides; when none has an
 * opinion, the request is denied. Rules are the union of every mode's.
 */
public final class AuthorizerChain implements Authorizer, RuleResolver {
    /** One mode: its name, its authorizer, and its rule lister (null when it cannot list rules). */
    public record Mode(String name, Authorizer authorizer, RuleResolver rules) {
    }

    private final List<Mode> modes;

    public AuthorizerChain(List<Mode> modes) {
        this.modes = List.copyOf(modes);
    }

    public List<String> modeNames() {
        return modes.stream().map(Mode::name).toList();
    }

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        for (Mode m : modes) {
            Decision d = m.authorizer().authorize(user, request);
            if (d != Decision.NO_OPINION) {
                return d;
            }
        }
        return Decision.NO_OPINION;
    }

    @Override
    public boolean allows(UserInfo user, RequestInfo request) {
        return authorize(user, request) == Decision.ALLOW;
    }

    @Override
    public Rules rulesFor(UserInfo user, String namespace) {
        List<PolicyRule> resourceRules = new ArrayList<>();
        List<PolicyRule> nonResourceRules = new ArrayList<>();
        boolean incomplete = false;
        for (Mode m : modes) {
            if (m.rules() == null) {
                incomplete = true;
                continue;
            }
            Rules r = m.rules().rulesFor(user, namespace);
            resourceRules.addAll(r.resourceRules());
            nonResourceRules.addAll(r.nonResourceRules());
            incomplete |= r.incomplete();
        }
        return new Rules(resourceRules, nonResourceRules, incomplete);
    }
}
