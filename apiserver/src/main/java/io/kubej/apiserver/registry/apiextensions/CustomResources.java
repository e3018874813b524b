package io.kubej.apiserver.registry.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.generic.ScaleSubresource;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The registration of one served version of a CustomResourceDefinition (upstream
 * {@code apiextensions-apiserver/pkg/registry/customresource}): the kind's names and scope from
 * the definition, storage under {@code <group>/<plural>} (shared by all its versions), the
 * version's schema for pruning, defaults and validation, its printer columns, and the status
 * and scale subresources when the version asks for them.
 */
public final class CustomResources {
    private CustomResources() {
    }

    public static Resource version(ObjectNode crd, JsonNode version) {
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        String group = spec.path("group").asText();
        StructuralSchema schema = new StructuralSchema(version.path("schema").path("openAPIV3Schema"));
        boolean status = version.path("subresources").has("status");
        Resource.Builder b = Resource.builder(group, version.path("name").asText(), names.path("kind").asText())
                .plural(names.path("plural").asText()).singular(names.path("singular").asText(names.path("kind").asText().toLowerCase(Locale.ROOT)))
                .etcdResource(group + "/" + names.path("plural").asText())
                .strategy(new Strategy(schema, status)).fieldSchema(schema)
                .patchMeta(PatchMeta.ofCustomResource(version.path("schema").path("openAPIV3Schema")))
                .table(table(version.path("additionalPrinterColumns")));
        names.path("shortNames").forEach(n -> b.shortNames(n.asText()));
        names.path("categories").forEach(c -> b.categories(c.asText()));
        if (spec.path("scope").asText().equals("Cluster")) {
            b.clusterScoped();
        }
        if (status) {
            b.subresource(StatusSubresource.INSTANCE);
        }
        JsonNode scale = version.path("subresources").path("scale");
        if (!scale.isMissingNode()) {
            String selectorPath = pointer(scale.path("labelSelectorPath").asText(""));
            b.subresource(new ScaleSubresource(pointer(scale.path("specReplicasPath").asText(".spec.replicas")),
                    pointer(scale.path("statusReplicasPath").asText(".status.replicas")),
                    o -> selectorPath.isEmpty() ? null : o.at(selectorPath).asText(null)));
        }
        return b.build();
    }

    /** ".spec.replicas" (a CRD's JSON path) as "/spec/replicas". */
    static String pointer(String jsonPath) {
        return jsonPath.isEmpty() ? "" : jsonPath.replace('.', '/');
    }

    /** Custom resources: the schema's defaults, then its validation; status only via /status when the version has one. */
    record Strategy(StructuralSchema schema, boolean hasStatusSubresource) implements RESTStrategy {
        @Override
        public boolean hasStatus() {
            return hasStatusSubresource;
        }

        @Override
        public void prepareForCreate(ObjectNode object) {
            if (hasStatusSubresource) {
                object.remove("status");
            }
            schema.applyDefaults(object);
        }

        @Override
        public void prepareForUpdate(ObjectNode object, ObjectNode old) {
            schema.applyDefaults(object);
        }

        @Override
        public List<Cause> validate(ObjectNode object) {
            return schema.validate(object);
        }
    }

    /** additionalPrinterColumns as Table columns (JSONPath: dotted fields, [n] and [?(@.f=="v")]); none: Name and Age. */
    static TableConvertor table(JsonNode printerColumns) {
        if (printerColumns.isEmpty()) {
            return TableConvertor.DEFAULT;
        }
        List<Column> columns = new ArrayList<>();
        columns.add(Column.name("Name must be unique within a namespace"));
        List<JsonNode> defs = new ArrayList<>();
        printerColumns.forEach(c -> {
            defs.add(c);
            String type = c.path("type").asText("string");
            columns.add(new Column(c.path("name").asText(), type, c.path("format").asText(""), c.path("description").asText(""),
                    c.path("priority").asInt(0)));
        });
        return TableConvertor.of(columns, (o, now) -> {
            List<Object> cells = new ArrayList<>();
            cells.add(TableConvertor.name(o));
            for (JsonNode c : defs) {
                JsonNode v = JsonPath.eval(o, c.path("jsonPath").asText());
                if (v == null || v.isMissingNode() || v.isNull()) {
                    cells.add(null);
                } else if (c.path("type").asText().equals("date")) {
                    cells.add(TableConvertor.humanDuration(Duration.between(Instant.parse(v.asText()), now)));
                } else if (v.isNumber() && c.path("type").asText().equals("integer")) {
                    cells.add(v.asLong());
                } else {
                    cells.add(v.isValueNode() ? v.asText() : v.toString());
                }
            }
            return cells;
        });
    }
}
