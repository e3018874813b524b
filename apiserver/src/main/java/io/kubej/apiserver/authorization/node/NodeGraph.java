package io.kubej.apiserver.authorization.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.generic.LocalInformer;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each node's pods reference (upstream {@code plugin/pkg/auth/authorizer/node/graph.go},
 * kept as flat sets instead of a graph): for every pod bound to a node, the Secrets,
 * ConfigMaps, PersistentVolumeClaims and service account it uses, through volumes (also
 * projected ones), env and envFrom of every container, and image pull secrets. Fed by the
 * pods' informer; the Node authorizer asks whether an edge node -> pod -> object exists.
 */
public final class NodeGraph implements LocalInformer.Listener {
    /** node name -> pod "ns/name" -> that pod's references ("secrets/ns/name", ...). */
    private final Map<String, Map<String, Set<String>>> byNode = new ConcurrentHashMap<>();
    /** pod "ns/name" -> the node it was indexed under, to move or drop it. */
    private final Map<String, String> nodeOfPod = new ConcurrentHashMap<>();

    @Override
    public void accept(String type, ObjectNode pod) {
        JsonNode meta = pod.path("metadata");
        String key = meta.path("namespace").asText() + "/" + meta.path("name").asText();
        String previous = nodeOfPod.remove(key);
        if (previous != null) {
            Map<String, Set<String>> pods = byNode.get(previous);
            if (pods != null) {
                pods.remove(key);
            }
        }
        String node = pod.path("spec").path("nodeName").asText("");
        if (type.equals("DELETED") || node.isEmpty()) {
            return;
        }
        nodeOfPod.put(key, node);
        byNode.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(key, references(pod));
    }

    /** Whether a pod bound to {@code node} references {@code resource} {@code namespace/name}. */
    public boolean reaches(String node, String resource, String namespace, String name) {
        Map<String, Set<String>> pods = byNode.get(node);
        if (pods == null) {
            return false;
        }
        String edge = resource + "/" + namespace + "/" + name;
        for (Set<String> refs : pods.values()) {
            if (refs.contains(edge)) {
                return true;
            }
        }
        return false;
    }

    /** Every PVC name the node's pods use in any namespace, as "ns/name" (PVs are reached through them). */
    public Set<String> claims(String node) {
        Set<String> out = new HashSet<>();
        Map<String, Set<String>> pods = byNode.getOrDefault(node, Map.of());
        for (Set<String> refs : pods.values()) {
            for (String r : refs) {
                if (r.startsWith("persistentvolumeclaims/")) {
                    out.add(r.substring("persistentvolumeclaims/".length()));
                }
            }
        }
        return out;
    }

    static Set<String> references(ObjectNode pod) {
        String ns = pod.path("metadata").path("namespace").asText();
        String podName = pod.path("metadata").path("name").asText();
        JsonNode spec = pod.path("spec");
        Set<String> refs = new HashSet<>();
        refs.add("serviceaccounts/" + ns + "/" + spec.path("serviceAccountName").asText("default"));
        spec.path("imagePullSecrets").forEach(s -> add(refs, "secrets", ns, s.path("name")));
        for (JsonNode v : spec.path("volumes")) {
            add(refs, "secrets", ns, v.path("secret").path("secretName"));
            add(refs, "configmaps", ns, v.path("configMap").path("name"));
            add(refs, "persistentvolumeclaims", ns, v.path("persistentVolumeClaim").path("claimName"));
            if (v.has("ephemeral")) {
                refs.add("persistentvolumeclaims/" + ns + "/" + podName + "-" + v.path("name").asText());
            }
            for (JsonNode source : v.path("projected").path("sources")) {
                add(refs, "secrets", ns, source.path("secret").path("name"));
                add(refs, "configmaps", ns, source.path("configMap").path("name"));
            }
            // volume plugins that carry a secret reference of their own (iscsi, rbd, cephfs, azureFile, ...)
            add(refs, "secrets", ns, v.path("azureFile").path("secretName"));
            for (JsonNode plugin : v) {
                add(refs, "secrets", ns, plugin.path("secretRef").path("name"));
                add(refs, "secrets", ns, plugin.path("nodePublishSecretRef").path("name"));
            }
        }
        for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            for (JsonNode c : spec.path(list)) {
                for (JsonNode e : c.path("env")) {
                    add(refs, "secrets", ns, e.path("valueFrom").path("secretKeyRef").path("name"));
                    add(refs, "configmaps", ns, e.path("valueFrom").path("configMapKeyRef").path("name"));
                }
                for (JsonNode from : c.path("envFrom")) {
                    add(refs, "secrets", ns, from.path("secretRef").path("name"));
                    add(refs, "configmaps", ns, from.path("configMapRef").path("name"));
                }
            }
        }
        return refs;
    }

    private static void add(Set<String> refs, String resource, String ns, JsonNode name) {
        if (name.isTextual() && !name.asText().isEmpty()) {
            refs.add(resource + "/" + ns + "/" + name.asText());
        }
    }
}
