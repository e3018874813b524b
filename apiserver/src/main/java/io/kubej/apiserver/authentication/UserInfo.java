package io.kubej.apiserver.authentication;

import java.util.List;
import java.util.Map;

/**
 * Who is asking (upstream {@code user.Info}): a name, a uid when the identity has one (a
 * service account's), groups, and extra attributes an authenticator vouches for (the pod a
 * service-account token is bound to). Authorizers and admission read only this, never the
 * credential it came from.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    /** The group every authenticated user is in (upstream {@code user.AllAuthenticated}). */
    public static final String ALL_AUTHENTICATED = "system:authenticated";
    public static final String ANONYMOUS = "system:anonymous";
    public static final String ALL_UNAUTHENTICATED = "system:unauthenticated";

    public UserInfo {
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public UserInfo(String name, List<String> groups) {
        this(name, "", groups, Map.of());
    }

    /** The user of a request without credentials, where anonymous requests are allowed. */
    public static UserInfo anonymous() {
        return new UserInfo(ANONYMOUS, List.of(ALL_UNAUTHENTICATED));
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    /**
     * As authentication.k8s.io/v1 UserInfo, the shape every API that names a user uses (reviews,
     * audit events, AdmissionReviews): username, uid if any, groups, extra if any.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        var o = io.kubej.apiserver.api.Json.object();
        o.put("username", name);
        if (!uid.isEmpty()) {
            o.put("uid", uid);
        }
        var groupArray = o.putArray("groups");
        groups.forEach(groupArray::add);
        if (!extra.isEmpty()) {
            var extraObject = o.putObject("extra");
            extra.forEach((k, values) -> values.forEach(extraObject.withArray(k)::add));
        }
        return o;
    }
}
