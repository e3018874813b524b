package io.kubej.apiserver.endpoints.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.endpoints.openapi.gnostic.AdditionalPropertiesItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.Any;
import io.kubej.apiserver.endpoints.openapi.gnostic.BodyParameter;
import io.kubej.apiserver.endpoints.openapi.gnostic.Definitions;
import io.kubej.apiserver.endpoints.openapi.gnostic.Document;
import io.kubej.apiserver.endpoints.openapi.gnostic.Info;
import io.kubej.apiserver.endpoints.openapi.gnostic.ItemsItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedAny;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedPathItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedResponseValue;
import io.kubej.apiserver.endpoints.openapi.gnostic.NamedSchema;
import io.kubej.apiserver.endpoints.openapi.gnostic.NonBodyParameter;
import io.kubej.apiserver.endpoints.openapi.gnostic.Operation;
import io.kubej.apiserver.endpoints.openapi.gnostic.Parameter;
import io.kubej.apiserver.endpoints.openapi.gnostic.ParametersItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.PathItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.PathParameterSubSchema;
import io.kubej.apiserver.endpoints.openapi.gnostic.Paths;
import io.kubej.apiserver.endpoints.openapi.gnostic.Properties;
import io.kubej.apiserver.endpoints.openapi.gnostic.QueryParameterSubSchema;
import io.kubej.apiserver.endpoints.openapi.gnostic.Response;
import io.kubej.apiserver.endpoints.openapi.gnostic.ResponseValue;
import io.kubej.apiserver.endpoints.openapi.gnostic.Responses;
import io.kubej.apiserver.endpoints.openapi.gnostic.Schema;
import io.kubej.apiserver.endpoints.openapi.gnostic.SchemaItem;
import io.kubej.apiserver.endpoints.openapi.gnostic.TypeItem;
import java.util.Map;

/**
 * The v2 document as the gnostic {@code openapi.v2.Document} protobuf message (kube-openapi
 * serves the same content both ways; kubectl asks for this one). Each JSON member goes into
 * the generated message field of the same meaning; {@code x-} members become
 * {@code vendor_extension} entries whose value is the member's JSON, which gnostic reads as YAML.
 */
public final class GnosticEncoder {
    private GnosticEncoder() {
    }

    public static Document document(JsonNode doc) {
        Document.Builder d = Document.newBuilder().setSwagger(doc.path("swagger").asText());
        d.setInfo(Info.newBuilder().setTitle(doc.path("info").path("title").asText()).setVersion(doc.path("info").path("version").asText()));
        Paths.Builder paths = Paths.newBuilder();
        for (Map.Entry<String, JsonNode> p : doc.path("paths").properties()) {
            paths.addPath(NamedPathItem.newBuilder().setName(p.getKey()).setValue(pathItem(p.getValue())));
        }
        d.setPaths(paths);
        Definitions.Builder defs = Definitions.newBuilder();
        for (Map.Entry<String, JsonNode> e : doc.path("definitions").properties()) {
            defs.addAdditionalProperties(NamedSchema.newBuilder().setName(e.getKey()).setValue(schema(e.getValue())));
        }
        d.setDefinitions(defs);
        return d.build();
    }

    private static PathItem pathItem(JsonNode item) {
        PathItem.Builder b = PathItem.newBuilder();
        for (Map.Entry<String, JsonNode> op : item.properties()) {
            Operation o = operation(op.getValue());
            switch (op.getKey()) {
                case "get" -> b.setGet(o);
                case "put" -> b.setPut(o);
                case "post" -> b.setPost(o);
                case "delete" -> b.setDelete(o);
                case "patch" -> b.setPatch(o);
                default -> { }
            }
        }
        return b.build();
    }

    private static Operation operation(JsonNode op) {
        Operation.Builder o = Operation.newBuilder().setOperationId(op.path("operationId").asText());
        op.path("tags").forEach(t -> o.addTags(t.asText()));
        op.path("consumes").forEach(t -> o.addConsumes(t.asText()));
        op.path("produces").forEach(t -> o.addProduces(t.asText()));
        op.path("schemes").forEach(t -> o.addSchemes(t.asText()));
        for (JsonNode p : op.path("parameters")) {
            Parameter.Builder param = Parameter.newBuilder();
            String in = p.path("in").asText();
            if (in.equals("body")) {
                param.setBodyParameter(BodyParameter.newBuilder().setName(p.path("name").asText()).setIn(in)
                        .setRequired(p.path("required").asBoolean()).setSchema(schema(p.path("schema"))));
            } else if (in.equals("path")) {
                param.setNonBodyParameter(NonBodyParameter.newBuilder().setPathParameterSubSchema(PathParameterSubSchema.newBuilder()
                        .setName(p.path("name").asText()).setIn(in).setRequired(true).setType(p.path("type").asText())));
            } else {
                param.setNonBodyParameter(NonBodyParameter.newBuilder().setQueryParameterSubSchema(QueryParameterSubSchema.newBuilder()
                        .setName(p.path("name").asText()).setIn(in).setType(p.path("type").asText())));
            }
            o.addParameters(ParametersItem.newBuilder().setParameter(param));
        }
        Responses.Builder responses = Responses.newBuilder();
        for (Map.Entry<String, JsonNode> r : op.path("responses").properties()) {
            Response.Builder resp = Response.newBuilder().setDescription(r.getValue().path("description").asText());
            if (r.getValue().has("schema")) {
                resp.setSchema(SchemaItem.newBuilder().setSchema(schema(r.getValue().get("schema"))));
            }
            responses.addResponseCode(NamedResponseValue.newBuilder().setName(r.getKey()).setValue(ResponseValue.newBuilder().setResponse(resp)));
        }
        o.setResponses(responses);
        extensions(op, o::addVendorExtension);
        return o.build();
    }

    static Schema schema(JsonNode s) {
        Schema.Builder b = Schema.newBuilder();
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "$ref" -> b.setRef(v.asText());
                case "format" -> b.setFormat(v.asText());
                case "description" -> b.setDescription(v.asText());
                case "required" -> v.forEach(r -> b.addRequired(r.asText()));
                case "type" -> b.setType(TypeItem.newBuilder().addValue(v.asText()));
                case "items" -> b.setItems(ItemsItem.newBuilder().addSchema(schema(v)));
                case "allOf" -> v.forEach(a -> b.addAllOf(schema(a)));
                case "additionalProperties" -> b.setAdditionalProperties(v.isBoolean()
                        ? AdditionalPropertiesItem.newBuilder().setBoolean(v.asBoolean())
                        : AdditionalPropertiesItem.newBuilder().setSchema(schema(v)));
                case "properties" -> {
                    Properties.Builder props = Properties.newBuilder();
                    for (Map.Entry<String, JsonNode> p : v.properties()) {
                        props.addAdditionalProperties(NamedSchema.newBuilder().setName(p.getKey()).setValue(schema(p.getValue())));
                    }
                    b.setProperties(props);
                }
                default -> { } // a keyword v2 has no field for here
            }
        }
        extensions(s, b::addVendorExtension);
        return b.build();
    }

    private static void extensions(JsonNode node, java.util.function.Consumer<NamedAny> add) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().startsWith("x-")) {
                add.accept(NamedAny.newBuilder().setName(e.getKey())
                        .setValue(Any.newBuilder().setYaml(Json.MAPPER.valueToTree(e.getValue()).toString())).build());
            }
        }
    }
}
