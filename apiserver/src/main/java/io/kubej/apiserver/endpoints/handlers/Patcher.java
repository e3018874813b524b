package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import java.util.Iterator;
import java.util.Map;

/**
 * The three PATCH formats (upstream {@code endpoints/handlers/patch.go}): JSON Patch (RFC 6902,
 * via zjsonpatch), JSON merge patch (RFC 7386) and strategic merge patch. kubej's strategic
 * merge is a merge patch whose known lists merge by their key (containers by name, ports by
 * containerPort, conditions by type, ...) instead of being replaced, which is what kubectl's
 * patches for built-in kinds rely on.
 */
public final class Patcher {
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"), Map.entry("ephemeralContainers", "name"),
            Map.entry("env", "name"), Map.entry("volumes", "name"), Map.entry("volumeMounts", "mountPath"),
            Map.entry("conditions", "type"), Map.entry("addresses", "type"), Map.entry("ownerReferences", "uid"),
            Map.entry("imagePullSecrets", "name"), Map.entry("hostAliases", "ip"));

    private Patcher() {
    }

    public static ObjectNode apply(ObjectNode current, byte[] patch, String contentType) {
        String type = contentType.split(";")[0].trim();
        try {
            JsonNode p = Json.MAPPER.readTree(patch);
            JsonNode result = switch (type) {
                case "application/json-patch+json" -> JsonPatch.apply(p, current);
                case "application/merge-patch+json" -> mergePatch(current, p, false);
                case "application/strategic-merge-patch+json" -> mergePatch(current, p, true);
                default -> throw StatusError.unsupportedMediaType(type);
            };
            if (!(result instanceof ObjectNode o)) {
                throw StatusError.badRequest("the patch did not produce an object");
            }
            return o;
        } catch (StatusError e) {
            throw e;
        } catch (Exception e) {
            throw new StatusError(422, "Invalid", "the server rejected our request due to an error in our request: " + e.getMessage(), null);
        }
    }

    /** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch, boolean strategic) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (strategic && field.startsWith("$")) {
                continue; // directives such as $setElementOrder and $retainKeys only order or prune
            }
            if (value.isNull()) {
                result.remove(field);
            } else if (strategic && value.isArray() && result.get(field) instanceof ArrayNode existing) {
                String key = mergeKey(field, (ArrayNode) value, existing);
                result.set(field, key == null ? value : mergeList(existing, (ArrayNode) value, key));
            } else {
                result.set(field, mergePatch(result.get(field), value, strategic));
            }
        }
        return result;
    }

    private static String mergeKey(String field, ArrayNode patch, ArrayNode existing) {
        if (field.equals("ports")) {
            JsonNode sample = patch.isEmpty() ? existing.path(0) : patch.get(0);
            return sample.has("containerPort") ? "containerPort" : "port";
        }
        return MERGE_KEYS.get(field);
    }

    /** Merges list items by key; {@code $patch: delete} removes an item. */
    private static ArrayNode mergeList(ArrayNode existing, ArrayNode patch, String key) {
        ArrayNode result = existing.deepCopy();
        for (JsonNode item : patch) {
            JsonNode k = item.get(key);
            int found = -1;
            for (int i = 0; k != null && i < result.size(); i++) {
                if (k.equals(result.get(i).get(key))) {
                    found = i;
                }
            }
            boolean delete = "delete".equals(item.path("$patch").asText());
            if (delete) {
                if (found >= 0) {
                    result.remove(found);
                }
            } else if (found >= 0) {
                result.set(found, mergePatch(result.get(found), item, true));
            } else {
                result.add(mergePatch(null, item, true));
            }
        }
        return result;
    }
}
