package io.kubej.apiserver.endpoints.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API discovery (upstream {@code endpoints/discovery}): {@code /api}, {@code /apis} and one
 * APIResourceList per group version, which is how kubectl learns that "po" means pods, that
 * pods are namespaced, and which verbs and subresources exist. kubej serves the unaggregated
 * documents; kubectl falls back to them when the aggregated form is not offered.
 *
 * <p>The OpenAPI documents, derived from the same registry, are {@code endpoints/openapi}'s.
 */
public final class Discovery {
    private final java.util.function.Supplier<List<Resource>> resources;
    private final java.util.function.Supplier<String> serverAddress;

    /** @param resources what is served now (custom resources come and go with their definitions) */
    public Discovery(java.util.function.Supplier<List<Resource>> resources, java.util.function.Supplier<String> serverAddress) {
        this.resources = resources;
        this.serverAddress = serverAddress;
    }

    public ObjectNode apiVersions() {
        ObjectNode o = Json.object();
        o.put("kind", "APIVersions");
        o.putArray("versions").add("v1");
        o.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress.get());
        return o;
    }

    private Map<String, List<Resource>> byGroupVersion() {
        Map<String, List<Resource>> m = new LinkedHashMap<>();
        for (Resource r : resources.get()) {
            m.computeIfAbsent(r.groupVersion(), k -> new java.util.ArrayList<>()).add(r);
        }
        return m;
    }

    /** Every named group with its versions; the preferred version is the first one registered (upstream orders them by priority). */
    public ObjectNode apiGroupList() {
        ObjectNode o = Json.object();
        o.put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = o.putArray("groups");
        Map<String, ObjectNode> byName = new LinkedHashMap<>();
        for (String gv : byGroupVersion().keySet()) {
            if (!gv.contains("/")) {
                continue;
            }
            String[] p = gv.split("/");
            ObjectNode g = byName.computeIfAbsent(p[0], name -> {
                ObjectNode n = groups.addObject().put("name", name);
                n.putArray("versions");
                n.putObject("preferredVersion").put("groupVersion", gv).put("version", p[1]);
                return n;
            });
            ((ArrayNode) g.get("versions")).addObject().put("groupVersion", gv).put("version", p[1]);
        }
        return o;
    }

    /**
     * Aggregated discovery (KEP-3352, apidiscovery.k8s.io {@code APIGroupDiscoveryList}): every
     * group, version and resource in one document, so kubectl needs one request where it would
     * otherwise make one per group version. {@code core} answers {@code /api} (the legacy group),
     * otherwise {@code /apis} (every named group).
     *
     * @param apiVersion {@code apidiscovery.k8s.io/v2} or {@code apidiscovery.k8s.io/v2beta1}: the same shape
     */
    public ObjectNode aggregated(boolean core, String apiVersion) {
        ObjectNode o = Json.object();
        o.put("kind", "APIGroupDiscoveryList").put("apiVersion", apiVersion);
        o.putObject("metadata");
        ArrayNode items = o.putArray("items");
        Map<String, ObjectNode> groups = new LinkedHashMap<>();
        byGroupVersion().forEach((gv, rs) -> {
            boolean isCore = !gv.contains("/");
            if (isCore != core) {
                return;
            }
            String group = isCore ? "" : gv.substring(0, gv.indexOf('/'));
            String version = isCore ? gv : gv.substring(gv.indexOf('/') + 1);
            ObjectNode g = groups.computeIfAbsent(group, name -> {
                ObjectNode n = items.addObject();
                ObjectNode meta = n.putObject("metadata");
                if (!name.isEmpty()) {
                    meta.put("name", name);
                }
                n.putArray("versions");
                return n;
            });
            ObjectNode v = ((ArrayNode) g.get("versions")).addObject().put("version", version);
            ArrayNode resources = v.putArray("resources");
            for (Resource r : rs) {
                resources.add(aggregatedResource(r));
            }
            if (isCore && rs.stream().anyMatch(r -> r.plural().equals("pods") && r.subresource("binding").isPresent())) {
                ObjectNode b = resources.addObject().put("resource", "bindings");
                b.putObject("responseKind").put("group", "").put("version", "v1").put("kind", "Binding");
                b.put("scope", "Namespaced").put("singularResource", "binding");
                b.putArray("verbs").add("create");
            }
            v.put("freshness", "Current");
        });
        return o;
    }

    private static ObjectNode aggregatedResource(Resource r) {
        ObjectNode e = Json.object().put("resource", r.plural());
        e.putObject("responseKind").put("group", r.group()).put("version", r.version()).put("kind", r.kind());
        e.put("scope", r.namespaced() ? "Namespaced" : "Cluster").put("singularResource", r.singular());
        verbsNamesAndCategories(e, r);
        if (!r.subresources().isEmpty()) {
            ArrayNode subs = e.putArray("subresources");
            for (Subresource sub : r.subresources()) {
                ObjectNode s = subs.addObject().put("subresource", sub.name());
                String[] gv = sub.groupVersion() != null ? sub.groupVersion().split("/") : new String[] {r.group(), r.version()};
                s.putObject("responseKind").put("group", gv[0]).put("version", gv[1]).put("kind", sub.kind() != null ? sub.kind() : r.kind());
                ArrayNode subVerbs = s.putArray("verbs");
                sub.verbs().forEach(subVerbs::add);
            }
        }
        return e;
    }

    /** What both discovery documents say of a resource alike: its verbs, short names and categories. */
    private static void verbsNamesAndCategories(ObjectNode e, Resource r) {
        ArrayNode verbs = e.putArray("verbs");
        r.verbs().stream().sorted().forEach(verbs::add);
        if (!r.shortNames().isEmpty()) {
            ArrayNode sn = e.putArray("shortNames");
            r.shortNames().forEach(sn::add);
        }
        if (!r.categories().isEmpty()) {
            ArrayNode cat = e.putArray("categories");
            r.categories().forEach(cat::add);
        }
    }

    /** The APIResourceList of a group version, or null if it is not served. */
    public ObjectNode resourceList(String groupVersion) {
        List<Resource> rs = byGroupVersion().get(groupVersion);
        if (rs == null) {
            return null;
        }
        ObjectNode o = Json.object();
        o.put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", groupVersion);
        ArrayNode arr = o.putArray("resources");
        for (Resource r : rs) {
            ObjectNode e = arr.addObject().put("name", r.plural()).put("singularName", r.singular())
                    .put("namespaced", r.namespaced()).put("kind", r.kind());
            verbsNamesAndCategories(e, r);
            for (Subresource sub : r.subresources()) {
                ObjectNode s = arr.addObject().put("name", r.plural() + "/" + sub.name()).put("singularName", "")
                        .put("namespaced", r.namespaced());
                if (sub.groupVersion() != null) {
                    String[] gv = sub.groupVersion().split("/");
                    s.put("group", gv[0]).put("version", gv[1]);
                }
                s.put("kind", sub.kind() != null ? sub.kind() : r.kind());
                ArrayNode subVerbs = s.putArray("verbs");
                sub.verbs().forEach(subVerbs::add);
            }
        }
        boolean podsBind = rs.stream().anyMatch(r -> r.plural().equals("pods") && r.subresource("binding").isPresent());
        if (groupVersion.equals("v1") && podsBind) {
            // the legacy top-level form of pods/binding, still listed by upstream
            arr.addObject().put("name", "bindings").put("singularName", "binding").put("namespaced", true)
                    .put("kind", "Binding").putArray("verbs").add("create");
        }
        return o;
    }
}
