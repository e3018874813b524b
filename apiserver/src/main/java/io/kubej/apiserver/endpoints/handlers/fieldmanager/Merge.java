package io.kubej.apiserver.endpoints.handlers.fieldmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.PatchMeta.ListSemantics;
import io.kubej.apiserver.registry.PatchMeta.ListType;
import java.util.List;
import java.util.Map;

/**
 * How an applied configuration is combined with the live object (structured-merge-diff's
 * {@code Merge}, the configuration winning), and how a field an applier gave up is taken out
 * again. The list types decide: atomic lists, maps and structs are replaced, set lists are
 * unions, map lists merge item by item by their keys, every other object merges field by field.
 */
public final class Merge {
    private Merge() {
    }

    /** The live object with config merged in (neither is changed). */
    public static JsonNode merge(JsonNode live, JsonNode config, PatchMeta meta) {
        if (config == null) {
            return live;
        }
        if (live == null || live.isNull()) {
            return config.deepCopy();
        }
        if (live.isObject() && config.isObject() && !meta.atomic()) {
            ObjectNode out = ((ObjectNode) live).deepCopy();
            config.fields().forEachRemaining(e -> {
                if (e.getValue().isNull()) {
                    out.remove(e.getKey()); // an applied null asks for the field to be gone
                } else {
                    out.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), meta.field(e.getKey())));
                }
            });
            return out;
        }
        ListSemantics ls = meta.listSemantics();
        if (live.isArray() && config.isArray() && ls.type() != ListType.ATOMIC) {
            ArrayNode out = ((ArrayNode) live).deepCopy();
            Map<String, JsonNode> existing = ObjectFields.items(live, ls);
            for (int i = 0; i < config.size(); i++) {
                JsonNode item = config.get(i);
                String pe = ObjectFields.element(item, ls, i);
                if (!existing.containsKey(pe) || pe.startsWith("i:")) {
                    out.add(item.deepCopy());
                    continue;
                }
                if (ls.type() == ListType.MAP) {
                    for (int j = 0; j < out.size(); j++) {
                        if (pe.equals(ObjectFields.element(out.get(j), ls, j))) {
                            out.set(j, merge(out.get(j), item, meta));
                            break;
                        }
                    }
                }
            }
            return out;
        }
        return config.deepCopy();
    }

    /** Takes the field, list item or map entry at path out of object, if it is there. */
    public static void remove(JsonNode object, List<String> path, PatchMeta meta) {
        JsonNode at = object;
        PatchMeta atMeta = meta;
        for (int i = 0; i < path.size(); i++) {
            String pe = path.get(i);
            boolean last = i == path.size() - 1;
            if (pe.startsWith("f:")) {
                if (!(at instanceof ObjectNode o)) {
                    return;
                }
                String name = pe.substring(2);
                if (last) {
                    o.remove(name);
                    return;
                }
                at = o.get(name);
                atMeta = atMeta.field(name);
            } else {
                if (!(at instanceof ArrayNode list)) {
                    return;
                }
                ListSemantics ls = atMeta.listSemantics();
                int found = -1;
                for (int j = 0; j < list.size() && found < 0; j++) {
                    if (pe.equals(ObjectFields.element(list.get(j), ls, j))) {
                        found = j;
                    }
                }
                if (found < 0) {
                    return;
                }
                if (last) {
                    list.remove(found);
                    return;
                }
                at = list.get(found);
            }
            if (at == null) {
                return;
            }
        }
    }
}
