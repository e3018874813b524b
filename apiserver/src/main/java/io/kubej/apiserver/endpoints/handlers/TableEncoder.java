package io.kubej.apiserver.endpoints.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.TableConvertor.Column;
import java.time.Instant;
import java.util.List;

/**
 * Renders objects as a {@code meta.k8s.io/v1 Table} when the client asks for one in its
 * Accept header ({@code as=Table;g=meta.k8s.io;v=v1}), as {@code kubectl get} does. Each row
 * carries the object as PartialObjectMetadata, or whole with {@code includeObject=Object}.
 */
public final class TableEncoder {
    private TableEncoder() {
    }

    public static boolean wantsTable(String accept) {
        for (String part : accept.split(",")) {
            String p = part.replace(" ", "");
            if (p.contains("as=Table") && p.contains("g=meta.k8s.io") && (p.contains("v=v1;") || p.endsWith("v=v1"))) {
                return true;
            }
        }
        return false;
    }

    public static ObjectNode table(Resource resource, List<ObjectNode> objects, String resourceVersion, String cont,
                                   String includeObject, boolean withColumns) {
        ObjectNode t = Json.object();
        t.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = t.putObject("metadata");
        if (resourceVersion != null) {
            meta.put("resourceVersion", resourceVersion);
        }
        if (cont != null && !cont.isEmpty()) {
            meta.put("continue", cont);
        }
        ArrayNode cols = t.putArray("columnDefinitions");
        if (withColumns) {
            for (Column c : resource.table().columns()) {
                cols.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                        .put("description", c.description()).put("priority", c.priority());
            }
        }
        ArrayNode rows = t.putArray("rows");
        Instant now = Instant.now();
        for (ObjectNode o : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Object cell : resource.table().cells(o, now)) {
                cells.addPOJO(cell);
            }
            if ("None".equals(includeObject)) {
                continue;
            }
            if ("Object".equals(includeObject)) {
                row.set("object", o);
            } else {
                ObjectNode partial = row.putObject("object");
                partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
                partial.set("metadata", o.get("metadata"));
            }
        }
        return t;
    }
}
