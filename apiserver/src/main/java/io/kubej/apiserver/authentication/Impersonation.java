package io.kubej.apiserver.authentication;

import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.serviceaccount.Claims;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Acting as someone else (upstream {@code endpoints/filters/impersonation.go}), which is what
 * {@code kubectl --as=jane --as-group=dev} sends as {@code Impersonate-User} and
 * {@code Impersonate-Group} headers. The caller needs the {@code impersonate} verb on each
 * thing it claims: {@code users}, {@code groups} or {@code serviceaccounts} (core group), and
 * {@code uids} and {@code userextras/<key>} (authentication.k8s.io). The request then runs, and
 * is authorized, as the impersonated user.
 */
public final class Impersonation {
    private final Authorizer authorizer;

    public Impersonation(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** The user the request acts as: the authenticated one, or the one it impersonates. */
    public UserInfo effectiveUser(ApiRequest req, UserInfo caller) {
        String asUser = req.header("impersonate-user").trim();
        List<String> asGroups = values(req.header("impersonate-group"));
        String asUid = req.header("impersonate-uid").trim();
        Map<String, List<String>> asExtra = extras(req);
        if (asUser.isEmpty()) {
            if (!asGroups.isEmpty() || !asUid.isEmpty() || !asExtra.isEmpty()) {
                throw StatusError.internal("requested impersonation of groups, uid or extra without impersonating a user");
            }
            return caller;
        }
        List<String> groups = new ArrayList<>();
        if (asUser.startsWith(Claims.USERNAME_PREFIX)) {
            String[] nsName = asUser.substring(Claims.USERNAME_PREFIX.length()).split(":", 2);
            if (nsName.length != 2) {
                throw StatusError.badRequest("invalid service account username " + asUser);
            }
            require(caller, "", "serviceaccounts", nsName[0], nsName[1]);
            groups.addAll(Claims.groups(nsName[0]));
        } else {
            require(caller, "", "users", "", asUser);
        }
        for (String g : asGroups) {
            require(caller, "", "groups", "", g);
            groups.add(g);
        }
        if (!asUid.isEmpty()) {
            require(caller, "authentication.k8s.io", "uids", "", asUid);
        }
        asExtra.forEach((key, values) -> values.forEach(v -> require(caller, "authentication.k8s.io", "userextras/" + key, "", v)));
        if (!asUser.equals(UserInfo.ANONYMOUS) && !groups.contains(UserInfo.ALL_AUTHENTICATED)) {
            groups.add(UserInfo.ALL_AUTHENTICATED);
        } else if (asUser.equals(UserInfo.ANONYMOUS) && !groups.contains(UserInfo.ALL_UNAUTHENTICATED)) {
            groups.add(UserInfo.ALL_UNAUTHENTICATED);
        }
        return new UserInfo(asUser, asUid, groups, asExtra);
    }

    private void require(UserInfo caller, String group, String resource, String namespace, String name) {
        String sub = "";
        String res = resource;
        int slash = resource.indexOf('/');
        if (slash > 0) {
            res = resource.substring(0, slash);
            sub = resource.substring(slash + 1);
        }
        RequestInfo asked = new RequestInfo(true, group, "v1", namespace, res, name, sub, "impersonate", List.of());
        if (!authorizer.allows(caller, asked)) {
            String where = namespace.isEmpty() ? "at the cluster scope" : "in the namespace \"" + namespace + "\"";
            throw StatusError.forbiddenOn(group, resource, name, "User \"" + caller.name() + "\" cannot impersonate resource \""
                    + resource + "\" in API group \"" + group + "\" " + where);
        }
    }

    private static List<String> values(String header) {
        List<String> out = new ArrayList<>();
        for (String v : header.split(",")) {
            if (!v.isBlank()) {
                out.add(v.trim());
            }
        }
        return out;
    }

    private static Map<String, List<String>> extras(ApiRequest req) {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        req.headers().forEach((k, v) -> {
            if (k.startsWith("impersonate-extra-")) {
                extra.put(java.net.URLDecoder.decode(k.substring("impersonate-extra-".length()), java.nio.charset.StandardCharsets.UTF_8),
                        values(v));
            }
        });
        return extra;
    }
}
