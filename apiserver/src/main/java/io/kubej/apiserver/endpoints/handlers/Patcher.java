package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.PatchMeta;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The three PATCH formats (upstream {@code endpoints/handlers/patch.go}): JSON Patch (RFC 6902,
 * via zjsonpatch), JSON merge patch (RFC 7386) and strategic merge patch, which is a merge patch
 * that follows the resource's {@link PatchMeta}: lists with a merge key merge item by item
 * (containers by name), lists with the merge strategy are set unions (finalizers), every other
 * list is replaced. Directives: {@code $patch: delete} removes a list item, {@code $patch:
 * replace} replaces an object or list whole, {@code $retainKeys} keeps only the listed fields,
 * {@code $deleteFromPrimitiveList/<field>} removes strings from a merged list;
 * {@code $setElementOrder} only orders, and kubej keeps the existing order.
 */
public final class Patcher {
    private Patcher() {
    }

    public static ObjectNode apply(ObjectNode current, byte[] patch, String contentType, PatchMeta meta) {
        String type = contentType.split(";")[0].trim();
        try {
            JsonNode p = Json.MAPPER.readTree(patch);
            JsonNode result = switch (type) {
                case "application/json-patch+json" -> JsonPatch.apply(p, current);
                case "application/merge-patch+json" -> mergePatch(current, p, null);
                case "application/strategic-merge-patch+json" -> {
                    if (meta == null || !meta.strategic()) {
                        // upstream: custom resources have no patch strategies to follow
                        throw new StatusError(415, "UnsupportedMediaType",
                                "strategic merge patch is not supported for this resource; use a JSON merge patch (--type=merge)", null);
                    }
                    yield mergePatch(current, p, meta);
                }
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

    /** RFC 7386 when meta is null; strategic merge otherwise: objects merge recursively, null deletes. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch, PatchMeta meta) {
        if (!patch.isObject()) {
            return patch;
        }
        boolean strategic = meta != null;
        if (strategic && "replace".equals(patch.path("$patch").asText())) {
            ObjectNode replaced = ((ObjectNode) patch).deepCopy();
            replaced.remove("$patch");
            return replaced;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (strategic && field.startsWith("$")) {
                if (field.startsWith("$deleteFromPrimitiveList/") && value.isArray()
                        && result.get(field.substring(field.indexOf('/') + 1)) instanceof ArrayNode list) {
                    Set<JsonNode> remove = new HashSet<>();
                    value.forEach(remove::add);
                    for (int i = list.size() - 1; i >= 0; i--) {
                        if (remove.contains(list.get(i))) {
                            list.remove(i);
                        }
                    }
                }
                continue; // $setElementOrder only orders; $retainKeys is applied below
            }
            if (value.isNull()) {
                result.remove(field);
            } else if (strategic && value.isArray()) {
                result.set(field, mergeListField(result.get(field), (ArrayNode) value, meta.field(field)));
            } else {
                result.set(field, mergePatch(result.get(field), value, strategic ? meta.field(field) : null));
            }
        }
        if (strategic && patch.get("$retainKeys") instanceof ArrayNode keep) {
            Set<String> retain = new HashSet<>();
            keep.forEach(k -> retain.add(k.asText()));
            result.retain(retain);
        }
        return result;
    }

    private static JsonNode mergeListField(JsonNode existing, ArrayNode patch, PatchMeta meta) {
        if (!(existing instanceof ArrayNode current)) {
            return stripDirectives(patch, meta);
        }
        if (meta.mergeKey() != null) {
            return mergeList(current, patch, meta);
        }
        if (meta.mergePrimitives()) {
            ArrayNode union = current.deepCopy();
            for (JsonNode v : patch) {
                boolean present = false;
                for (JsonNode c : union) {
                    present |= c.equals(v);
                }
                if (!present) {
                    union.add(v);
                }
            }
            return union;
        }
        return stripDirectives(patch, meta);
    }

    /** A list that replaces or starts a field: items lose directives ($patch) that only make sense in a merge. */
    private static ArrayNode stripDirectives(ArrayNode patch, PatchMeta meta) {
        ArrayNode out = Json.array();
        for (JsonNode item : patch) {
            if ("delete".equals(item.path("$patch").asText())) {
                continue;
            }
            out.add(item.isObject() ? mergePatch(null, item, meta) : item);
        }
        return out;
    }

    /** Merges list items by the merge key; {@code $patch: delete} removes an item, {@code $patch: replace} the whole list. */
    private static ArrayNode mergeList(ArrayNode existing, ArrayNode patch, PatchMeta meta) {
        String key = meta.mergeKey();
        for (JsonNode item : patch) {
            if ("replace".equals(item.path("$patch").asText())) {
                ArrayNode replaced = Json.array();
                patch.forEach(i -> {
                    if (!i.has("$patch")) {
                        replaced.add(mergePatch(null, i, meta));
                    }
                });
                return replaced;
            }
        }
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
                result.set(found, mergePatch(result.get(found), item, meta));
            } else {
                result.add(mergePatch(null, item, meta));
            }
        }
        return result;
    }
}
