package io.kubej.component.server;

import java.util.List;
import java.util.Map;

/**
 * Who made a request to a component's secure port, as its authenticators found out (upstream:
 * {@code k8s.io/apiserver/pkg/authentication/user.Info}). This is what a SubjectAccessReview asks
 * about.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public static final String ANONYMOUS = "system:anonymous";
    public static final String UNAUTHENTICATED = "system:unauthenticated";
    public static final String AUTHENTICATED = "system:authenticated";

    public UserInfo {
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public UserInfo(String name, List<String> groups) {
        this(name, "", groups, Map.of());
    }

    /** Upstream's anonymous authenticator: what a request without credentials is. */
    public static UserInfo anonymous() {
        return new UserInfo(ANONYMOUS, List.of(UNAUTHENTICATED));
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    /** Upstream's AuthenticatedGroupAdder: an authenticated user is in system:authenticated too. */
    UserInfo withAuthenticatedGroup() {
        if (name.equals(ANONYMOUS) || inGroup(AUTHENTICATED) || inGroup(UNAUTHENTICATED)) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(groups);
        all.add(AUTHENTICATED);
        return new UserInfo(name, uid, all, extra);
    }
}
