package io.kubej.apiserver.endpoints.openapi;

import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The REST operations of a resource as OpenAPI lists them (upstream's
 * {@code endpoints/installer.go} registers them route by route): list and create on the
 * collection, read, replace, patch and delete on one object, each only for a verb the resource
 * has. Both OpenAPI versions render the same operations, each in its own form.
 *
 * <p>kubectl reads one thing here: whether the PATCH of a group-version-kind takes the
 * {@code fieldValidation} query parameter; if so it leaves field validation to the server.
 */
final class ApiOperations {
    /** The query parameters of every write. */
    private static final List<String> WRITE = List.of("dryRun", "fieldManager", "fieldValidation");

    private ApiOperations() {
    }

    /** A group-version-kind, as {@code x-kubernetes-group-version-kind} names what an operation reads and writes. */
    record Kind(String group, String version, String kind) {
        static Kind of(Resource r) {
            return new Kind(r.group(), r.version(), r.kind());
        }

        /** What a subresource speaks: a kind of its own (Scale is autoscaling/v1), else its parent's. */
        static Kind of(Resource r, Subresource sub) {
            if (sub.kind() == null) {
                return of(r);
            }
            String gv = sub.groupVersion() != null ? sub.groupVersion() : r.groupVersion();
            int slash = gv.indexOf('/');
            return new Kind(slash < 0 ? "" : gv.substring(0, slash), gv.substring(slash + 1), sub.kind());
        }
    }

    /**
     * @param path     the URL template, {@code /apis/apps/v1/namespaces/{namespace}/deployments/{name}}
     * @param method   get, post, put, patch or delete
     * @param action   upstream's {@code x-kubernetes-action}: list, post, get, put, patch, delete
     * @param resource the resource it belongs to (for a subresource: its parent)
     * @param kind     what it reads and writes (a subresource may speak a kind of its own: Scale, Binding)
     * @param query    the query parameters it takes
     * @param body     whether the request carries the object (create, replace, patch)
     * @param returnsObject whether the answer is the kind itself (not a list or a Status)
     */
    record Operation(String path, String method, String action, String operationId, Resource resource, Kind kind,
                     List<String> query, boolean body, boolean returnsObject, List<String> pathParams) {
    }

    static List<Operation> of(Resource r) {
        String collection = (r.group().isEmpty() ? "/api/" : "/apis/" + r.group() + "/") + r.version()
                + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
        String item = collection + "/{name}";
        List<String> collectionParams = r.namespaced() ? List.of("namespace") : List.of();
        List<String> itemParams = r.namespaced() ? List.of("name", "namespace") : List.of("name");
        String scope = r.namespaced() ? "Namespaced" : "";
        String suffix = groupVersionWord(r) + scope + r.kind();
        Kind kind = Kind.of(r);
        List<Operation> ops = new ArrayList<>();
        if (r.verbs().contains("list")) {
            ops.add(new Operation(collection, "get", "list", "list" + suffix, r, kind,
                    List.of("labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"), false, false, collectionParams));
        }
        if (r.verbs().contains("create")) {
            ops.add(new Operation(collection, "post", "post", "create" + suffix, r, kind, WRITE, true, true, collectionParams));
        }
        itemOperations(ops, r, item, suffix, kind, r.verbs(), itemParams);
        if (r.verbs().contains("delete")) {
            ops.add(new Operation(item, "delete", "delete", "delete" + suffix, r, kind,
                    List.of("dryRun", "gracePeriodSeconds", "propagationPolicy"), false, false, itemParams));
        }
        for (Subresource sub : r.subresources()) {
            Kind subKind = Kind.of(r, sub);
            String word = Character.toUpperCase(sub.name().charAt(0)) + sub.name().substring(1);
            itemOperations(ops, r, item + "/" + sub.name(), suffix + word, subKind, java.util.Set.copyOf(sub.verbs()), itemParams);
            if (sub.verbs().contains("create")) {
                ops.add(new Operation(item + "/" + sub.name(), "post", "post", "create" + suffix + word, r, subKind, WRITE, true, true,
                        itemParams));
            }
            if (sub.name().equals("binding") && r.group().isEmpty() && r.namespaced()) {
                // the legacy top-level form of pods/binding, which discovery lists as "bindings"
                ops.add(new Operation("/api/" + r.version() + "/namespaces/{namespace}/bindings", "post", "post",
                        "create" + groupVersionWord(r) + "Namespaced" + sub.kind(), r, subKind, WRITE, true, true, collectionParams));
            }
        }
        return ops;
    }

    /** Read, replace and patch of one object (or of one object's subresource), for the verbs it has. */
    private static void itemOperations(List<Operation> ops, Resource r, String path, String suffix, Kind kind,
                                       java.util.Set<String> verbs, List<String> params) {
        if (verbs.contains("get")) {
            ops.add(new Operation(path, "get", "get", "read" + suffix, r, kind, List.of(), false, true, params));
        }
        if (verbs.contains("update")) {
            ops.add(new Operation(path, "put", "put", "replace" + suffix, r, kind, WRITE, true, true, params));
        }
        if (verbs.contains("patch")) {
            List<String> patch = new ArrayList<>(WRITE);
            patch.add("force");
            ops.add(new Operation(path, "patch", "patch", "patch" + suffix, r, kind, List.copyOf(patch), true, true, params));
        }
    }

    /** {@code CoreV1}, {@code AppsV1}, {@code RbacAuthorizationV1}: the group version as upstream's operation ids spell it. */
    static String groupVersionWord(Resource r) {
        String group = r.group().isEmpty() ? "core" : r.group().replaceFirst("\\.k8s\\.io$", "");
        StringBuilder b = new StringBuilder();
        for (String part : group.split("[.-]")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return b.toString() + Character.toUpperCase(r.version().charAt(0)) + r.version().substring(1);
    }

    /** {@code core_v1}, {@code rbac_authorization_v1}: the tag upstream groups a group version's operations under. */
    static String tag(Resource r) {
        return groupVersionWord(r).replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /**
     * The patch types a resource takes. kubectl 1.29+ computes a strategic merge patch for any
     * kind whose PATCH lists that type (1.27 and 1.28 read the same from /openapi/v2), so it is
     * left out where the server refuses it (custom resources, whose patch metadata serves
     * server-side apply only), as upstream does.
     */
    static List<String> patchTypes(Resource r) {
        return r.patchMeta() == null || !r.patchMeta().strategic()
                ? List.of("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json")
                : List.of("application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
                        "application/strategic-merge-patch+json");
    }

    /** The type of a query parameter, as both documents declare it. */
    static String queryType(String name) {
        return switch (name) {
            case "limit", "gracePeriodSeconds" -> "integer";
            case "watch", "force" -> "boolean";
            default -> "string";
        };
    }
}
