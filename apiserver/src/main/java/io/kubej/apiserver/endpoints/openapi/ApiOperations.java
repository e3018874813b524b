package io.kubej.apiserver.endpoints.openapi;

import io.kubej.apiserver.registry.Resource;
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
    private ApiOperations() {
    }

    /**
     * @param path     the URL template, {@code /apis/apps/v1/namespaces/{namespace}/deployments/{name}}
     * @param method   get, post, put, patch or delete
     * @param action   upstream's {@code x-kubernetes-action}: list, post, get, put, patch, delete
     * @param query    the query parameters it takes
     * @param body     whether the request carries the object (create, replace, patch)
     * @param returnsObject whether the answer is the kind itself (not a list or a Status)
     */
    record Operation(String path, String method, String action, String operationId, Resource resource, List<String> query,
                     boolean body, boolean returnsObject, List<String> pathParams) {
    }

    static List<Operation> of(Resource r) {
        String collection = (r.group().isEmpty() ? "/api/" : "/apis/" + r.group() + "/") + r.version()
                + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural();
        String item = collection + "/{name}";
        List<String> collectionParams = r.namespaced() ? List.of("namespace") : List.of();
        List<String> itemParams = r.namespaced() ? List.of("name", "namespace") : List.of("name");
        String scope = r.namespaced() ? "Namespaced" : "";
        String suffix = groupVersionWord(r) + scope + r.kind();
        List<String> write = List.of("dryRun", "fieldManager", "fieldValidation");
        List<Operation> ops = new ArrayList<>();
        if (r.verbs().contains("list")) {
            ops.add(new Operation(collection, "get", "list", "list" + suffix, r,
                    List.of("labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"), false, false, collectionParams));
        }
        if (r.verbs().contains("create")) {
            ops.add(new Operation(collection, "post", "post", "create" + suffix, r, write, true, true, collectionParams));
        }
        if (r.verbs().contains("get")) {
            ops.add(new Operation(item, "get", "get", "read" + suffix, r, List.of(), false, true, itemParams));
        }
        if (r.verbs().contains("update")) {
            ops.add(new Operation(item, "put", "put", "replace" + suffix, r, write, true, true, itemParams));
        }
        if (r.verbs().contains("patch")) {
            List<String> patch = new ArrayList<>(write);
            patch.add("force");
            ops.add(new Operation(item, "patch", "patch", "patch" + suffix, r, List.copyOf(patch), true, true, itemParams));
        }
        if (r.verbs().contains("delete")) {
            ops.add(new Operation(item, "delete", "delete", "delete" + suffix, r,
                    List.of("dryRun", "gracePeriodSeconds", "propagationPolicy"), false, false, itemParams));
        }
        return ops;
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
     * kind whose PATCH lists that type, so it is left out where the server refuses it (custom
     * resources, which have no patch metadata), as upstream does.
     */
    static List<String> patchTypes(Resource r) {
        return r.patchMeta() == null
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
