package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.AdmissionPlugin;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.FieldSelector;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.authorization.Authorizer;
import io.kubej.apiserver.endpoints.handlers.fieldmanager.FieldManager;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import io.kubej.apiserver.endpoints.request.ResponseWriter;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.ResourceRegistry;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.DeleteOptions;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.storage.etcd3.ResourceStorage.ListPage;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The REST verbs on resources (upstream {@code endpoints/handlers}: get.go, create.go,
 * update.go, patch.go, delete.go, watch.go). Each verb is: find the resource in the registry,
 * decode the body, admit, let the registry validate and store, encode the answer (JSON, or a
 * Table for kubectl). Nothing here knows a particular kind.
 */
public final class ResourceHandler {
    private final ResourceRegistry registry;
    private final AdmissionPlugin admission;
    private final Authorizer authorizer; // null: no check beyond the request's own verb

    public ResourceHandler(ResourceRegistry registry, AdmissionPlugin admission) {
        this(registry, admission, null);
    }

    /** @param authorizer asked once more when a request does more than its verb: an apply that creates also needs {@code create} */
    public ResourceHandler(ResourceRegistry registry, AdmissionPlugin admission, Authorizer authorizer) {
        this.registry = registry;
        this.admission = admission;
        this.authorizer = authorizer;
    }

    public void handle(ApiRequest req, RequestInfo info, ResponseWriter out) {
        Store store = registry.store(info.group(), info.version(), info.resource()).orElseThrow(StatusError::pathNotFound);
        Resource r = store.resource();
        boolean namespaceItself = r.group().isEmpty() && r.plural().equals("namespaces");
        if (!r.namespaced() && !namespaceItself && !info.namespace().isEmpty()) {
            throw StatusError.pathNotFound(); // a cluster-scoped resource has no namespaced route
        }
        String ns = r.namespaced() ? info.namespace() : null;
        boolean collection = info.verb().equals("list") || info.verb().equals("watch");
        if (r.namespaced() && ns.isEmpty() && !collection) {
            throw StatusError.pathNotFound(); // only list and watch span all namespaces
        }
        String sub = info.subresource();
        if (!sub.isEmpty()) {
            Subresource s = r.subresource(sub).orElseThrow(StatusError::pathNotFound);
            handleSubresource(req, info, store, s, ns, out);
            return;
        }
        if (!r.verbs().contains(info.verb())) {
            throw StatusError.methodNotSupported(r.plural(), info.verb());
        }
        boolean table = TableEncoder.wantsTable(req.header("accept"));
        switch (info.verb()) {
            case "get" -> {
                ObjectNode o = store.get(ns, info.name());
                writeObject(out, 200, table ? TableEncoder.table(r, List.of(o), rv(o), null, req.param("includeObject"), true) : o);
            }
            case "list" -> {
                ListPage page = store.list(ns, listOptions(req, r));
                String rv = Long.toString(page.revision());
                writeObject(out, 200, table ? TableEncoder.table(r, page.items(), rv, page.continueToken(), req.param("includeObject"), true)
                        : listObject(r, page.items(), rv, page.continueToken()));
            }
            case "watch" -> Watcher.serve(req, info, store, ns, listOptions(req, r), table, out);
            case "create" -> {
                boolean dryRun = dryRun(req, "CreateOptions");
                ObjectNode body = RequestBody.decode(req, r, out);
                if (r.review() != null) {
                    // answered from the request, never stored (upstream returns 201 for these too)
                    body.put("apiVersion", r.groupVersion()).put("kind", r.kind());
                    writeObject(out, 201, r.review().answer(body, req.user(), ns));
                    return;
                }
                FieldManager.update(null, body, writer(req, r, null), Instant.now());
                r.strategy().recordRequester(body, req.user());
                admission.admit(new Attributes("CREATE", r, "", ns, body.path("metadata").path("name").asText(""), body, null, req.user(), dryRun));
                writeObject(out, 201, store.create(ns, body, dryRun));
            }
            case "update" -> {
                boolean dryRun = dryRun(req, "UpdateOptions");
                ObjectNode body = RequestBody.decode(req, r, out);
                FieldManager.Writer writer = writer(req, r, null);
                writeObject(out, 200, store.update(ns, info.name(), Store.UpdateScope.MAIN, dryRun,
                        admitted(req, r, "", ns, info.name(), dryRun, cur -> FieldManager.update(cur, body.deepCopy(), writer, Instant.now()))));
            }
            case "patch" -> {
                boolean dryRun = dryRun(req, "PatchOptions");
                if (isApply(req)) {
                    serverSideApply(req, info, store, null, ns, dryRun, out);
                    return;
                }
                FieldManager.Writer writer = writer(req, r, null);
                writeObject(out, 200, store.update(ns, info.name(), Store.UpdateScope.MAIN, dryRun,
                        admitted(req, r, "", ns, info.name(), dryRun,
                                cur -> FieldManager.update(cur, patched(req, cur, r, r.patchMeta(), out), writer, Instant.now()))));
            }
            case "delete" -> {
                DeleteOptions opts = deleteOptions(req);
                admission.admit(new Attributes("DELETE", r, "", ns, info.name(), null, null, req.user(), opts.dryRun()));
                writeObject(out, 200, store.delete(ns, info.name(), opts));
            }
            case "deletecollection" -> {
                DeleteOptions opts = deleteOptions(req);
                admission.admit(new Attributes("DELETE", r, "", ns, "", null, null, req.user(), opts.dryRun()));
                List<ObjectNode> items = store.deleteCollection(ns, listOptions(req, r), opts);
                writeObject(out, 200, listObject(r, items, Long.toString(store.currentRevision()), null));
            }
            default -> throw StatusError.methodNotSupported(r.plural(), info.verb());
        }
    }

    /** A subresource: get, update/patch (of its own object) or create; which ones it supports is its own business. */
    private void handleSubresource(ApiRequest req, RequestInfo info, Store store, Subresource s, String ns, ResponseWriter out) {
        Resource r = store.resource();
        String name = info.name();
        if (!s.verbs().contains(info.verb())) {
            throw StatusError.methodNotAllowed(); // upstream registers no route for it
        }
        switch (info.verb()) {
            case "get" -> writeObject(out, 200, s.get(store, ns, name));
            case "update" -> {
                boolean dryRun = dryRun(req, "UpdateOptions");
                ObjectNode body = subresourceBody(req, r, s);
                writeObject(out, 200, s.update(store, ns, name, dryRun, admitted(req, r, s.name(), ns, name, dryRun,
                        cur -> tracked(req, r, s, cur, body.deepCopy())), parentWritten(req, r, s)));
            }
            case "patch" -> {
                boolean dryRun = dryRun(req, "PatchOptions");
                if (isApply(req) && s instanceof StatusSubresource) {
                    serverSideApply(req, info, store, s, ns, dryRun, out);
                    return;
                }
                writeObject(out, 200, s.update(store, ns, name, dryRun, admitted(req, r, s.name(), ns, name, dryRun,
                        cur -> tracked(req, r, s, cur, patched(req, cur, s.kind() == null ? r : null, s.patchMeta(r), out))),
                        parentWritten(req, r, s)));
            }
            case "create" -> {
                boolean dryRun = dryRun(req, "CreateOptions");
                ObjectNode body = subresourceBody(req, r, s);
                admission.admit(new Attributes("CREATE", r, s.name(), ns, name, body, null, req.user(), dryRun));
                Subresource.Created created = s.create(store, ns, name, body, dryRun);
                writeObject(out, created.code(), created.body());
            }
            default -> throw StatusError.methodNotAllowed();
        }
    }

    /**
     * An update's new object, passed through admission once it is known: for a PATCH that is
     * only after the patch is applied to the current object, inside the store's retry loop, so
     * admission always judges (and may change) exactly what will be stored.
     */
    private UnaryOperator<ObjectNode> admitted(ApiRequest req, Resource r, String subresource, String ns, String name,
                                               boolean dryRun, UnaryOperator<ObjectNode> desired) {
        return current -> {
            ObjectNode next = desired.apply(current);
            admission.admit(new Attributes("UPDATE", r, subresource, ns, name, next, current, req.user(), dryRun));
            return next;
        };
    }

    // ---- field management (upstream endpoints/handlers/fieldmanager)

    /** The writer of this request for field management: its manager, version, subresource and what it may own. */
    private static FieldManager.Writer writer(ApiRequest req, Resource r, Subresource s) {
        FieldManager.Part part = s != null ? FieldManager.Part.STATUS
                : r.strategy().hasStatus() ? FieldManager.Part.ALL_BUT_STATUS : FieldManager.Part.ALL;
        return new FieldManager.Writer(FieldManager.managerName(req.param("fieldManager"), req.header("user-agent")),
                r.groupVersion(), s == null ? "" : s.name(), part, r.patchMeta() != null ? r.patchMeta() : PatchMeta.OBJECT);
    }

    /**
     * A subresource write as field management records it: a status write in an entry of its own
     * ({@code subresource: status}); subresources of another kind (scale) or that edit the object
     * themselves keep the managedFields they find.
     */
    private static ObjectNode tracked(ApiRequest req, Resource r, Subresource s, ObjectNode current, ObjectNode next) {
        return s instanceof StatusSubresource && s.kind() == null
                ? FieldManager.update(current, next, writer(req, r, s), Instant.now()) : next;
    }

    /** A write through a subresource of another kind (scale) is recorded on the parent: its fields, the subresource's name. */
    private static java.util.function.BinaryOperator<ObjectNode> parentWritten(ApiRequest req, Resource r, Subresource s) {
        FieldManager.Writer main = writer(req, r, null);
        FieldManager.Writer writer = new FieldManager.Writer(main.manager(), main.apiVersion(), s.name(), main.part(), main.meta());
        return (before, after) -> FieldManager.update(before, after, writer, Instant.now());
    }

    private static boolean isApply(ApiRequest req) {
        return req.header("content-type").startsWith("application/apply-patch");
    }

    /**
     * Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}): the body is the
     * applier's configuration, in YAML or JSON; it creates the object when there is none (the
     * main resource only), else merges into it, as {@link FieldManager#apply} decides.
     */
    private void serverSideApply(ApiRequest req, RequestInfo info, Store store, Subresource s, String ns, boolean dryRun,
                                 ResponseWriter out) {
        Resource r = store.resource();
        String manager = req.param("fieldManager");
        if (manager == null || manager.isEmpty()) {
            throw StatusError.invalid("meta.k8s.io", "PatchOptions", "", List.of(
                    new StatusError.Cause("FieldValueRequired", "fieldManager", "Required value: is required for apply patch")));
        }
        if (manager.length() > 128) {
            throw StatusError.invalid("meta.k8s.io", "PatchOptions", "", List.of(
                    new StatusError.Cause("FieldValueTooLong", "fieldManager", "Too long: may not be more than 128 bytes")));
        }
        boolean force = "true".equals(req.param("force"));
        ObjectNode config = applyConfiguration(req, r, info.name(), out);
        FieldManager.Writer writer = writer(req, r, s);
        String name = info.name();
        if (s == null && store.find(ns, name).isEmpty()) {
            authorizeCreate(req, info);
            ObjectNode created = FieldManager.apply(null, config.deepCopy(), writer, force, Instant.now());
            Json.metadata(created).remove("resourceVersion");
            r.strategy().recordRequester(created, req.user());
            admission.admit(new Attributes("CREATE", r, "", ns, name, created, null, req.user(), dryRun));
            try {
                writeObject(out, 201, store.create(ns, created, dryRun));
                return;
            } catch (StatusError e) {
                if (!"AlreadyExists".equals(e.reason())) {
                    throw e;
                }
                // created meanwhile: apply to it instead
            }
        }
        UnaryOperator<ObjectNode> apply = admitted(req, r, s == null ? "" : s.name(), ns, name, dryRun, cur -> {
            ObjectNode merged = FieldManager.apply(cur, config.deepCopy(), writer, force, Instant.now());
            if (!config.path("metadata").hasNonNull("resourceVersion")) {
                Json.metadata(merged).remove("resourceVersion");
            }
            return merged;
        });
        writeObject(out, 200, s == null ? store.update(ns, name, Store.UpdateScope.MAIN, dryRun, apply) : s.update(store, ns, name, dryRun, apply));
    }

    /** Upstream's patch handler checks {@code create} too when the patch would create the object; refused in the authorizer's 403 words. */
    private void authorizeCreate(ApiRequest req, RequestInfo info) {
        RequestInfo create = new RequestInfo(true, info.group(), info.version(), info.namespace(), info.resource(), info.name(),
                "", "create", info.parts());
        if (authorizer == null || authorizer.allows(req.user(), create)) {
            return;
        }
        String scope = info.namespace().isEmpty() ? "at the cluster scope" : "in the namespace \"" + info.namespace() + "\"";
        throw StatusError.forbiddenOn(info.group(), info.resource(), info.name(), "User \"" + req.user().name() + "\" cannot create resource \""
                + info.resource() + "\" in API group \"" + info.group() + "\" " + scope);
    }

    /** The applied configuration: YAML (or JSON), of this resource's kind and version, named as the URL; unknown fields by fieldValidation. */
    private static ObjectNode applyConfiguration(ApiRequest req, Resource r, String name, ResponseWriter out) {
        JsonNode parsed;
        try {
            parsed = YAML.readTree(req.body());
        } catch (java.io.IOException e) {
            throw StatusError.badRequest("error decoding YAML: " + e.getMessage());
        }
        if (!(parsed instanceof ObjectNode config)) {
            throw StatusError.badRequest("the apply configuration must be an object");
        }
        if (!config.path("kind").asText("").equals(r.kind()) || !config.path("apiVersion").asText("").equals(r.groupVersion())) {
            throw StatusError.badRequest("the apply configuration (" + config.path("apiVersion").asText("") + ", Kind="
                    + config.path("kind").asText("") + ") does not match the resource (" + r.groupVersion() + ", Kind=" + r.kind() + ")");
        }
        String bodyName = config.path("metadata").path("name").asText("");
        if (!bodyName.equals(name)) {
            throw StatusError.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
        }
        return RequestBody.checkFields(req, r, config, out);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
            new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    /** A subresource's request body: JSON, or protobuf of the subresource's own kind where it has a decoder. */
    private static ObjectNode subresourceBody(ApiRequest req, Resource r, Subresource s) {
        if (req.header("content-type").startsWith(io.kubej.apiserver.api.ProtobufBody.CONTENT_TYPE)) {
            return io.kubej.apiserver.api.ProtobufBody.toJson(req.body(), s.kind() == null ? r.kind() : s.kind(),
                    s.protobuf() != null ? s.protobuf() : s.kind() == null ? r.protobuf() : null);
        }
        return Json.parse(req.body());
    }

    /** The legacy {@code POST /api/v1/namespaces/{ns}/bindings}: the same as {@code pods/{name}/binding}. */
    public void legacyBinding(ApiRequest req, RequestInfo info, ResponseWriter out) {
        Store pods = registry.store("", "v1", "pods").orElseThrow(StatusError::pathNotFound);
        Subresource binding = pods.resource().subresource("binding").orElseThrow(StatusError::pathNotFound);
        ObjectNode body = Json.parse(req.body());
        String name = body.path("metadata").path("name").asText("");
        admission.admit(new Attributes("CREATE", pods.resource(), "binding", info.namespace(), name, body, null, req.user(), false));
        Subresource.Created created = binding.create(pods, info.namespace(), name, body, dryRun(req, "CreateOptions"));
        writeObject(out, created.code(), created.body());
    }

    /**
     * A PATCH applied to the current object; a patch that names no resourceVersion applies to whatever is current.
     *
     * @param r the kind whose fields the result is checked against, or null for a subresource of a kind of its own
     *          (Scale), which kubej has no field list for
     */
    private static ObjectNode patched(ApiRequest req, ObjectNode current, Resource r, PatchMeta meta,
                                      ResponseWriter out) {
        String type = req.header("content-type");
        if (type.startsWith("application/apply-patch")) {
            throw StatusError.unsupportedMediaType(type); // a subresource of a kind of its own (scale) takes no apply
        }
        if (req.param("force") != null) {
            throw StatusError.invalid("meta.k8s.io", "PatchOptions", "", List.of(
                    Validation.forbidden("force", "may not be specified for non-apply patch")));
        }
        ObjectNode patched = Patcher.apply(current, req.body(), type, meta);
        if (!patchNamesResourceVersion(req.body())) {
            Json.metadata(patched).remove("resourceVersion");
        }
        return r == null ? patched : RequestBody.checkFields(req, r, patched, out);
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

    /**
     * metav1.ListOptions from the query, checked as upstream validates them: a resourceVersion
     * must be a number, resourceVersionMatch needs one (and Exact not "0"), selectors must parse
     * and name fields the resource supports.
     */
    static ListOptions listOptions(ApiRequest req, Resource r) {
        String rv = req.param("resourceVersion") == null ? "" : req.param("resourceVersion");
        String match = req.param("resourceVersionMatch") == null ? "" : req.param("resourceVersionMatch");
        if (!match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
            throw StatusError.badRequest("invalid resourceVersionMatch: " + match + ": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (!rv.isEmpty()) {
            try {
                if (Long.parseLong(rv) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw StatusError.badRequest("invalid resource version: " + rv);
            }
        }
        if (!match.isEmpty() && rv.isEmpty()) {
            throw StatusError.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
        }
        if (match.equals("Exact") && rv.equals("0")) {
            throw StatusError.badRequest("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
        }
        String cont = req.param("continue");
        if (cont != null && !cont.isEmpty() && !rv.isEmpty()) {
            throw StatusError.badRequest("specifying resource version is not allowed when using continue");
        }
        Long limit = longParam(req, "limit");
        String sendInitial = req.param("sendInitialEvents");
        if (sendInitial != null && !sendInitial.isEmpty() && !match.equals("NotOlderThan")) {
            // watch-list (KEP-3157) promises a state at least as new as resourceVersion
            throw StatusError.invalid("meta.k8s.io", "ListOptions", "", List.of(Validation.forbidden("resourceVersionMatch",
                    "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")));
        }
        return new ListOptions(LabelSelector.parse(req.param("labelSelector")),
                FieldSelector.parse(req.param("fieldSelector"), r.fieldLabels(), r.plural()),
                rv, match, limit == null ? 0 : Math.max(0, limit), cont,
                "true".equals(req.param("allowWatchBookmarks")), sendInitial == null ? null : Boolean.parseBoolean(sendInitial));
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

    /** DeleteOptions from the body (kubectl sends one, dryRun included) and the query parameters; orphanDependents=true means Orphan. */
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
        if (policy != null && !List.of("Orphan", "Foreground", "Background").contains(policy)) {
            throw StatusError.invalid("meta.k8s.io", "DeleteOptions", "", List.of(
                    Validation.notSupported("propagationPolicy", policy, List.of("Foreground", "Background", "Orphan"))));
        }
        JsonNode pre = opts.path("preconditions");
        return new DeleteOptions(
                opts.hasNonNull("gracePeriodSeconds") ? opts.get("gracePeriodSeconds").asLong() : null,
                policy,
                pre.hasNonNull("uid") ? pre.get("uid").asText() : null,
                pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null,
                dryRun(req, "DeleteOptions") || !opts.path("dryRun").isEmpty());
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
}
