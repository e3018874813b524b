package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.NamespaceLifecycle;
import io.kubej.apiserver.api.FieldSelector;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.apps.replicaset.ReplicaSetStrategy;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The REST verbs on resources (upstream {@code endpoints/handlers}: get.go, create.go,
 * update.go, patch.go, delete.go, watch.go). Each verb is: decode the body, admit, let the
 * registry validate and store, encode the answer (JSON, or a Table for kubectl).
 */
public final class ResourceHandler {
    private final Map<String, Store> stores; // by "group/resource"
    private final NamespaceLifecycle namespaceLifecycle;

    public ResourceHandler(Map<String, Store> stores, NamespaceLifecycle namespaceLifecycle) {
        this.stores = stores;
        this.namespaceLifecycle = namespaceLifecycle;
    }

    public Store store(String group, String resource) {
        return stores.get(group + "/" + resource);
    }

    public void handle(ApiRequest req, RequestInfo info, ResponseWriter out) {
        Store store = store(info.group(), info.resource());
        if (store == null || !store.resource().version().equals(info.version())) {
            throw StatusError.pathNotFound();
        }
        Resource r = store.resource();
        String ns = r.namespaced() ? info.namespace() : null;
        if (r.namespaced() && ns.isEmpty() && !(info.verb().equals("list") || info.verb().equals("watch"))) {
            // Legacy POST .../namespaces/{ns}/bindings is handled below; everything else needs a namespace.
            throw StatusError.pathNotFound();
        }
        if (r.plural().equals("bindings")) {
            throw StatusError.pathNotFound();
        }
        String sub = info.subresource();
        if (!sub.isEmpty() && !r.subresources().contains(sub)) {
            throw StatusError.pathNotFound();
        }
        if (sub.equals("scale")) {
            Scale.handle(req, info, store, out);
            return;
        }
        if (sub.equals("binding")) {
            if (!info.verb().equals("create")) {
                // Binding only implements create: upstream registers no other route for it.
                throw StatusError.methodNotAllowed();
            }
            Binding.bind(store, ns, info.name(), Json.parse(req.body()), out);
            return;
        }
        boolean table = TableEncoder.wantsTable(req.header("accept"));
        switch (info.verb()) {
            case "get" -> {
                ObjectNode o = store.get(ns, info.name());
                writeObject(out, 200, table ? TableEncoder.table(r, List.of(o), rv(o), null, req.param("includeObject"), true) : o);
            }
            case "list" -> list(req, store, ns, table, out);
            case "watch" -> Watcher.serve(req, info, store, ns, table, out);
            case "create" -> {
                ObjectNode body = decode(req, r);
                if (r.namespaced()) {
                    namespaceLifecycle.admit(ns, "create");
                }
                writeObject(out, 201, store.create(ns, body, dryRun(req, "CreateOptions")));
            }
            case "update" -> {
                ObjectNode body = decode(req, r);
                writeObject(out, 200, store.update(ns, info.name(), emptyToNull(sub), dryRun(req, "UpdateOptions"), cur -> body));
            }
            case "patch" -> {
                String type = req.header("content-type");
                if (type.startsWith("application/apply-patch")) {
                    throw StatusError.unsupportedMediaType(type);
                }
                writeObject(out, 200, store.update(ns, info.name(), emptyToNull(sub), dryRun(req, "PatchOptions"), cur -> {
                    ObjectNode patched = Patcher.apply(cur, req.body(), type);
                    // A patch that does not name a resourceVersion applies to whatever is current.
                    if (!patchNamesResourceVersion(req.body())) {
                        Json.metadata(patched).remove("resourceVersion");
                    }
                    return patched;
                }));
            }
            case "delete" -> {
                DeleteOptions opts = deleteOptions(req);
                writeObject(out, 200, store.delete(ns, info.name(), opts.gracePeriodSeconds(), opts.propagationPolicy(),
                        opts.preconditionUid(), opts.preconditionResourceVersion(), opts.dryRun()));
            }
            case "deletecollection" -> {
                DeleteOptions opts = deleteOptions(req);
                List<ObjectNode> items = filtered(req, store, ns, store.storage().list(store.listPrefix(ns), null, 0));
                for (ObjectNode o : items) {
                    try {
                        store.delete(o.path("metadata").path("namespace").asText(null), o.path("metadata").path("name").asText(),
                                opts.gracePeriodSeconds(), opts.propagationPolicy(), null, null, opts.dryRun());
                    } catch (StatusError e) {
                        if (e.code() != 404) {
                            throw e;
                        }
                    }
                }
                writeObject(out, 200, listObject(r, items, Long.toString(store.storage().currentRevision()), null));
            }
            default -> throw StatusError.methodNotSupported(r.plural(), info.verb());
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * {@code ?dryRun=All}: every step runs except the write to etcd (kubectl --dry-run=server).
     * Any other value is refused as upstream validates the request's options: 422 Invalid on
     * {@code optionsKind} (CreateOptions, UpdateOptions, PatchOptions, DeleteOptions) in
     * meta.k8s.io, with a FieldValueNotSupported cause on the field {@code dryRun}.
     */
    static boolean dryRun(ApiRequest req, String optionsKind) {
        String v = req.param("dryRun");
        if (v == null) {
            return false;
        }
        if (!v.equals("All")) {
            throw StatusError.invalid("meta.k8s.io", optionsKind, "", List.of(Validation.notSupported("dryRun", v, List.of("All"))));
        }
        return true;
    }

    /** A numeric query parameter (limit, timeoutSeconds, gracePeriodSeconds); null when absent, 400 when not a number. */
    static Long longParam(ApiRequest req, String name) {
        String v = req.param(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw StatusError.badRequest("invalid value for query parameter \"" + name + "\": \"" + v + "\" is not an integer");
        }
    }

    private static boolean patchNamesResourceVersion(byte[] body) {
        try {
            JsonNode p = Json.MAPPER.readTree(body);
            return p.isObject() && p.path("metadata").hasNonNull("resourceVersion");
        } catch (Exception e) {
            return false;
        }
    }

    private static String rv(ObjectNode o) {
        return o.path("metadata").path("resourceVersion").asText();
    }

    /** Decode step: the body must be JSON of this resource's kind; strict field validation on request. */
    private static ObjectNode decode(ApiRequest req, Resource r) {
        ObjectNode body = req.header("content-type").startsWith(io.kubej.apiserver.api.ProtobufBody.CONTENT_TYPE)
                ? io.kubej.apiserver.api.ProtobufBody.toJson(req.body()) : Json.parse(req.body());
        String kind = body.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(r.kind())) {
            throw StatusError.badRequest("the kind of the object (" + kind + ") does not match the resource (" + r.kind() + ")");
        }
        String fv = req.param("fieldValidation");
        if ("Strict".equals(fv)) {
            FieldValidation.strict(body, r);
        }
        return body;
    }

    /** What a delete asks for (metav1.DeleteOptions); the deprecated orphanDependents=true means Orphan. */
    private record DeleteOptions(Long gracePeriodSeconds, String propagationPolicy, String preconditionUid,
                                 String preconditionResourceVersion, boolean dryRun) {
    }

    /** DeleteOptions from the body (kubectl sends one, dryRun included) and the query parameters. */
    private static DeleteOptions deleteOptions(ApiRequest req) {
        ObjectNode opts = req.body() != null && req.body().length > 0 ? Json.parse(req.body()) : Json.object();
        Long grace = longParam(req, "gracePeriodSeconds");
        if (grace != null) {
            opts.put("gracePeriodSeconds", grace);
        }
        if (req.param("propagationPolicy") != null) {
            opts.put("propagationPolicy", req.param("propagationPolicy"));
        }
        String policy = opts.hasNonNull("propagationPolicy") ? opts.get("propagationPolicy").asText()
                : opts.path("orphanDependents").asBoolean(false) ? "Orphan" : null;
        JsonNode pre = opts.path("preconditions");
        return new DeleteOptions(
                opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null,
                policy,
                pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
                pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null,
                dryRun(req, "DeleteOptions") || !opts.path("dryRun").isEmpty());
    }

    /** List: read everything under the prefix at one revision, filter by selectors, page with limit/continue. */
    private void list(ApiRequest req, Store store, String ns, boolean table, ResponseWriter out) {
        Resource r = store.resource();
        long revision = 0;
        String startKey = null;
        String cont = req.param("continue");
        Long limitParam = longParam(req, "limit");
        if (cont != null && !cont.isEmpty()) {
            ObjectNode token = decodeContinue(cont, store.listPrefix(ns));
            revision = token.path("rv").asLong();
            startKey = token.path("start").asText();
        } else {
            revision = listRevision(req, store);
        }
        Etcd3Storage.ListResult result;
        try {
            result = store.storage().list(store.listPrefix(ns), startKey, revision);
        } catch (Etcd3Storage.Compacted e) {
            throw StatusError.expired("The provided continue parameter is too old to display a consistent list result. "
                    + "You can start a new list without the continue parameter.");
        }
        List<ObjectNode> items = filtered(req, store, ns, result);
        String next = null;
        long limit = limitParam == null ? 0 : limitParam;
        if (limit > 0 && items.size() > limit) {
            ObjectNode last = items.get((int) limit - 1);
            items = new ArrayList<>(items.subList(0, (int) limit));
            ObjectNode token = Json.object();
            token.put("v", "meta.k8s.io/v1").put("rv", result.revision())
                    .put("start", store.key(last.path("metadata").path("namespace").asText(null), last.path("metadata").path("name").asText()) + "\u0000");
            next = Base64.getUrlEncoder().encodeToString(Json.bytes(token));
        }
        String rv = Long.toString(result.revision());
        writeObject(out, 200, table ? TableEncoder.table(r, items, rv, next, req.param("includeObject"), true) : listObject(r, items, rv, next));
    }

    /**
     * A continue token as list wrote it: base64 of {"v","rv","start"}, its start key inside this
     * list's prefix (a token must never read another resource's keys). Anything else is 400.
     */
    static ObjectNode decodeContinue(String cont, String prefix) {
        ObjectNode token;
        try {
            token = Json.parse(Base64.getUrlDecoder().decode(cont));
        } catch (RuntimeException e) {
            throw StatusError.badRequest("invalid continue token: " + e.getMessage());
        }
        if (!token.path("v").asText().equals("meta.k8s.io/v1")) {
            throw StatusError.badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        if (!token.path("rv").canConvertToLong() || token.path("rv").asLong() <= 0) {
            throw StatusError.badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        if (!token.path("start").isTextual() || !token.path("start").asText().startsWith(prefix)) {
            throw StatusError.badRequest("invalid continue token: continue key is not valid: the start key is outside the requested list");
        }
        return token;
    }

    /**
     * The revision a list without a continue token reads at (0 = now): resourceVersion with
     * resourceVersionMatch=Exact reads exactly there; any other non-zero resourceVersion must not
     * be newer than etcd's revision (upstream then answers 504 "Too large resource version").
     */
    private static long listRevision(ApiRequest req, Store store) {
        String rvParam = req.param("resourceVersion");
        String match = req.param("resourceVersionMatch");
        if (match != null && !match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
            throw StatusError.badRequest("invalid resourceVersionMatch: " + match + ": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (rvParam == null || rvParam.isEmpty()) {
            if (match != null && !match.isEmpty()) {
                throw StatusError.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
            }
            return 0;
        }
        long rv = parseResourceVersion(rvParam);
        if (rv == 0) {
            if ("Exact".equals(match)) {
                throw StatusError.badRequest("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
            }
            return 0;
        }
        checkNotTooLarge(store.storage(), rv);
        return "Exact".equals(match) ? rv : 0;
    }

    static long parseResourceVersion(String rvParam) {
        try {
            long rv = Long.parseLong(rvParam);
            if (rv < 0) {
                throw new NumberFormatException();
            }
            return rv;
        } catch (NumberFormatException e) {
            throw StatusError.badRequest("invalid resource version: " + rvParam);
        }
    }

    /** A resourceVersion etcd has not reached yet is upstream's 504 Timeout, reason ResourceVersionTooLarge. */
    static void checkNotTooLarge(Etcd3Storage storage, long rv) {
        long current = storage.currentRevision();
        if (rv > current) {
            throw StatusError.tooLargeResourceVersion(rv, current, 1);
        }
    }

    static List<ObjectNode> filtered(ApiRequest req, Store store, String ns, Etcd3Storage.ListResult result) {
        LabelSelector labels = LabelSelector.parse(req.param("labelSelector"));
        FieldSelector fields = FieldSelector.parse(req.param("fieldSelector"), store.resource().fieldLabels(), store.resource().plural());
        List<ObjectNode> items = new ArrayList<>();
        for (Etcd3Storage.Versioned v : result.items()) {
            ObjectNode o = v.object();
            if (labels.matches(o.path("metadata").get("labels")) && fields.matches(o)) {
                items.add(o);
            }
        }
        return items;
    }

    static ObjectNode listObject(Resource r, List<ObjectNode> items, String rv, String cont) {
        ObjectNode list = Json.object();
        list.put("kind", r.kind() + "List").put("apiVersion", r.groupVersion());
        ObjectNode meta = list.putObject("metadata").put("resourceVersion", rv);
        if (cont != null) {
            meta.put("continue", cont);
        }
        ArrayNode arr = list.putArray("items");
        items.forEach(arr::add);
        return list;
    }

    static void writeObject(ResponseWriter out, int status, JsonNode body) {
        out.send(status, "application/json", Json.bytes(body));
    }

    static String selectorOf(ObjectNode rs) {
        return ReplicaSetStrategy.selectorString(rs.path("spec").path("selector"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
