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
 * <p>Also the OpenAPI v3 index kubectl's {@code --validate=strict} probes: per group version a
 * PATCH operation tagged with its group-version-kind and a {@code fieldValidation} parameter
 * tells kubectl to let the server validate fields.
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

    /** {@code /openapi/v3}: where each group version's document is. */
    public ObjectNode openApiV3Root() {
        ObjectNode o = Json.object();
        ObjectNode paths = o.putObject("paths");
        for (String gv : byGroupVersion().keySet()) {
            String path = gv.contains("/") ? "apis/" + gv : "api/" + gv;
            paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + Integer.toHexString(gv.hashCode() & 0x7fffffff));
        }
        return o;
    }

    /** A minimal OpenAPI v3 document for one group version: a PATCH per resource that accepts fieldValidation. */
    public ObjectNode openApiV3(String groupVersion) {
        List<Resource> rs = byGroupVersion().get(groupVersion);
        if (rs == null) {
            return null;
        }
        ObjectNode o = Json.object();
        o.put("openapi", "3.0.0");
        o.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
        ObjectNode paths = o.putObject("paths");
        for (Resource r : rs) {
            String base = (r.group().isEmpty() ? "/api/" : "/apis/" + r.group() + "/") + r.version()
                    + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
            ObjectNode patch = paths.putObject(base).putObject("patch");
            patch.put("operationId", "patch" + r.kind());
            patch.putObject("x-kubernetes-group-version-kind").put("group", r.group()).put("version", r.version()).put("kind", r.kind());
            patch.put("x-kubernetes-action", "patch");
            ArrayNode params = patch.putArray("parameters");
            for (String p : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
                params.addObject().put("name", p).put("in", "query").putObject("schema").put("type", "string");
            }
            patch.putObject("responses").putObject("200").put("description", "OK");
        }
        o.putObject("components").putObject("schemas");
        return o;
    }
}
