package io.kubej.controller.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.controller.KeyedController;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Empties a namespace that is being deleted, then lets it go (upstream
 * {@code pkg/controller/namespace}, whose deleter is {@code deletion/namespaced_resources_deleter.go}).
 *
 * <p>Deleting a namespace only marks it Terminating: the API server keeps it while its
 * {@code spec.finalizers} still holds {@code kubernetes}. This controller then, for every
 * namespaced resource the API server's discovery lists with {@code deletecollection} (so a
 * kind added to the registry is covered without a change here), deletes the whole collection in
 * that namespace; pods on a node take their grace period, so it looks again until nothing is
 * left. Progress shows in the namespace's conditions (NamespaceDeletionContentFailure,
 * NamespaceContentRemaining, ...). Once empty it removes its finalizer through
 * {@code /finalize}, and the API server removes the namespace.
 */
public final class NamespaceController extends KeyedController {
    public static final String NAME = "namespace-controller";
    static final String FINALIZER = "kubernetes";
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    public NamespaceController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces) {
        super(NAME, List.of(namespaces));
        this.client = client;
        namespaces.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                enqueueIfDeleting(ns);
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                enqueueIfDeleting(ns);
            }

            @Override
            public void onDelete(Namespace ns, boolean unknown) {
            }
        });
    }

    private void enqueueIfDeleting(Namespace ns) {
        if (ns.getMetadata().getDeletionTimestamp() != null) {
            queue.add(ns.getMetadata().getName());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** One namespaced resource as discovery lists it. */
    record GroupResource(String path, String resource) {
    }

    @Override
    protected void syncHandler(String name) throws IOException {
        JsonNode ns = get("/api/v1/namespaces/" + name);
        if (ns == null || !ns.path("metadata").has("deletionTimestamp")) {
            return; // gone already, or not being deleted
        }
        if (!hasFinalizer(ns)) {
            return;
        }
        Map<String, String> failures = new TreeMap<>();
        Map<String, Integer> remaining = new TreeMap<>();
        for (GroupResource gr : deletableResources()) {
            String collection = gr.path() + "/namespaces/" + name + "/" + gr.resource();
            try {
                client.raw(collection, "DELETE", Map.of("kind", "DeleteOptions", "apiVersion", "v1", "propagationPolicy", "Background"));
                JsonNode left = get(collection);
                int count = left == null ? 0 : left.path("items").size();
                if (count > 0) {
                    remaining.put(gr.resource() + groupSuffix(gr.path()), count);
                }
            } catch (KubernetesClientException e) {
                failures.put(gr.resource() + groupSuffix(gr.path()), e.getMessage());
            }
        }
        updateConditions(name, failures, remaining);
        if (!failures.isEmpty() || !remaining.isEmpty()) {
            log.debug("namespace {}: remaining {}, failures {}", name, remaining, failures.keySet());
            queue.addAfter(name, RECHECK);
            return;
        }
        finalizeNamespace(name);
        log.info("namespace {} is empty and finalized", name);
    }

    private static String groupSuffix(String path) {
        return path.startsWith("/apis/") ? "." + path.substring("/apis/".length()).split("/")[0] : "";
    }

    private static boolean hasFinalizer(JsonNode ns) {
        for (JsonNode f : ns.path("spec").path("finalizers")) {
            if (f.asText().equals(FINALIZER)) {
                return true;
            }
        }
        return false;
    }

    /** Every namespaced resource that supports deletecollection, from discovery (its preferred version only). */
    List<GroupResource> deletableResources() throws IOException {
        List<GroupResource> out = new ArrayList<>();
        addResources("/api/v1", out);
        JsonNode groups = get("/apis");
        if (groups != null) {
            for (JsonNode g : groups.path("groups")) {
                addResources("/apis/" + g.path("preferredVersion").path("groupVersion").asText(), out);
            }
        }
        return out;
    }

    private void addResources(String path, List<GroupResource> out) throws IOException {
        JsonNode list = get(path);
        if (list == null) {
            return;
        }
        for (JsonNode r : list.path("resources")) {
            boolean subresource = r.path("name").asText().contains("/");
            boolean deletable = false;
            for (JsonNode v : r.path("verbs")) {
                deletable |= v.asText().equals("deletecollection");
            }
            if (!subresource && deletable && r.path("namespaced").asBoolean()) {
                out.add(new GroupResource(path, r.path("name").asText()));
            }
        }
    }

    /** The conditions upstream's deleter reports while it works, replacing earlier ones. */
    private void updateConditions(String name, Map<String, String> failures, Map<String, Integer> remaining) throws IOException {
        ObjectNode status = JSON.createObjectNode();
        ArrayNode conditions = status.putArray("conditions");
        String now = Instant.now().toString();
        condition(conditions, "NamespaceDeletionContentFailure", !failures.isEmpty(),
                failures.isEmpty() ? "ContentDeleted" : "ContentDeletionFailed",
                failures.isEmpty() ? "All content successfully deleted, may be waiting on finalization"
                        : "Failed to delete all resource types, " + failures.size() + " remaining: " + String.join(", ", failures.values()), now);
        List<String> parts = new ArrayList<>();
        remaining.forEach((r, n) -> parts.add(r + " has " + n + " resource instances"));
        condition(conditions, "NamespaceContentRemaining", !remaining.isEmpty(),
                remaining.isEmpty() ? "ContentRemoved" : "SomeResourcesRemain",
                remaining.isEmpty() ? "All content successfully removed" : "Some resources are remaining: " + String.join(", ", parts), now);
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", status);
        status.put("phase", "Terminating");
        try {
            client.namespaces().withName(name).subresource("status")
                    .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                            JSON.writeValueAsString(patch));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private static void condition(ArrayNode conditions, String type, boolean status, String reason, String message, String now) {
        conditions.addObject().put("type", type).put("status", status ? "True" : "False")
                .put("lastTransitionTime", now).put("reason", reason).put("message", message);
    }

    /** Removes the {@code kubernetes} finalizer through {@code /finalize}; the API server then removes the namespace. */
    private void finalizeNamespace(String name) throws IOException {
        JsonNode ns = get("/api/v1/namespaces/" + name);
        if (ns == null) {
            return;
        }
        ObjectNode body = (ObjectNode) ns.deepCopy();
        ArrayNode kept = JSON.createArrayNode();
        ns.path("spec").path("finalizers").forEach(f -> {
            if (!f.asText().equals(FINALIZER)) {
                kept.add(f);
            }
        });
        ((ObjectNode) body.path("spec")).set("finalizers", kept);
        client.raw("/api/v1/namespaces/" + name + "/finalize", "PUT", JSON.writeValueAsString(body));
    }

    /** A GET through the client's connection; null on 404. */
    private JsonNode get(String path) throws IOException {
        try {
            String body = client.raw(path);
            return body == null ? null : JSON.readTree(body);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }
}
