package io.kubej.apiserver.serviceaccount;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a service-account token says beyond the registered JWT claims (upstream
 * {@code pkg/serviceaccount/claims.go}): under the private claim {@code kubernetes.io}, the
 * namespace, the service account, and the object the token is bound to (a pod, a secret or a
 * node), each with its uid, so a token dies with the object it was issued for.
 */
public record Claims(String namespace, Ref serviceAccount, Ref pod, Ref secret, Ref node) {
    public static final String PRIVATE_CLAIM = "kubernetes.io";
    public static final String USERNAME_PREFIX = "system:serviceaccount:";

    /** A named object with its uid. */
    public record Ref(String name, String uid) {
        Map<String, Object> toMap() {
            return Map.of("name", name, "uid", uid);
        }

        @SuppressWarnings("unchecked")
        static Ref from(Object o) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)) {
                return null;
            }
            return new Ref(name, m.get("uid") instanceof String uid ? uid : "");
        }
    }

    /** The user a token of this service account authenticates as. */
    public static String username(String namespace, String name) {
        return USERNAME_PREFIX + namespace + ":" + name;
    }

    /** The groups of every service account, and of those of one namespace. */
    public static List<String> groups(String namespace) {
        return List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace);
    }

    Map<String, Object> toPrivateClaim() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespace", namespace);
        m.put("serviceaccount", serviceAccount.toMap());
        if (pod != null) {
            m.put("pod", pod.toMap());
        }
        if (secret != null) {
            m.put("secret", secret.toMap());
        }
        if (node != null) {
            m.put("node", node.toMap());
        }
        return m;
    }

    static Claims fromPrivateClaim(Map<String, Object> m) {
        if (m == null || !(m.get("namespace") instanceof String ns)) {
            return null;
        }
        Ref sa = Ref.from(m.get("serviceaccount"));
        if (sa == null) {
            return null;
        }
        return new Claims(ns, sa, Ref.from(m.get("pod")), Ref.from(m.get("secret")), Ref.from(m.get("node")));
    }
}
