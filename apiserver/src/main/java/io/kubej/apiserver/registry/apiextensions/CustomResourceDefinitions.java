package io.kubej.apiserver.registry.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions (upstream
 * {@code apiextensions-apiserver/pkg/registry/customresourcedefinition}): a definition names a
 * new kind ({@code <plural>.<group>}), its scope and versions, each version with an OpenAPI
 * schema. A definition is accepted and Established at once (kubej has no name conflicts to
 * wait for between servers); {@link CustomResourceRegistrar} then serves its resources.
 * Deleting it first deletes every custom resource of it (the
 * {@code customresourcecleanup.apiextensions.k8s.io} finalizer).
 */
public final class CustomResourceDefinitions implements RESTStrategy {
    public static final String GROUP = "apiextensions.k8s.io";
    static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

    public static Resource resource() {
        return Resource.builder(GROUP, "v1", "CustomResourceDefinition").clusterScoped().shortNames("crd", "crds")
                .categories("api-extensions").model(CustomResourceDefinition.class)
                .strategy(new CustomResourceDefinitions())
                .table(TableConvertor.of(List.of(Column.name("Name of the definition"), Column.of("Created At", "date", "When it was made")),
                        (crd, now) -> List.of(TableConvertor.name(crd), crd.path("metadata").path("creationTimestamp").asText())))
                .subresource(StatusSubresource.INSTANCE)
                .build();
    }

    @Override
    public void prepareForCreate(ObjectNode crd) {
        defaults(crd);
        ArrayNode finalizers = Json.metadata(crd).has("finalizers") ? (ArrayNode) Json.metadata(crd).get("finalizers")
                : Json.metadata(crd).putArray("finalizers");
        finalizers.add(CLEANUP_FINALIZER);
        ObjectNode status = crd.putObject("status");
        acceptNames(crd, status);
        ArrayNode stored = status.putArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                stored.add(v.path("name").asText());
            }
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode crd, ObjectNode old) {
        defaults(crd);
        ObjectNode status = Json.obj(crd, "status");
        acceptNames(crd, status);
        ArrayNode stored = status.has("storedVersions") ? (ArrayNode) status.get("storedVersions") : status.putArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            boolean known = false;
            for (JsonNode s : stored) {
                known |= s.asText().equals(v.path("name").asText());
            }
            if (v.path("storage").asBoolean(false) && !known) {
                stored.add(v.path("name").asText());
            }
        }
    }

    /** Upstream defaults: singular and listKind from the kind, conversion strategy None. */
    private static void defaults(ObjectNode crd) {
        ObjectNode names = Json.obj(Json.obj(crd, "spec"), "names");
        String kind = names.path("kind").asText("");
        if (!names.hasNonNull("singular") && !kind.isEmpty()) {
            names.put("singular", kind.toLowerCase(Locale.ROOT));
        }
        if (!names.hasNonNull("listKind") && !kind.isEmpty()) {
            names.put("listKind", kind + "List");
        }
        ObjectNode conversion = Json.obj((ObjectNode) crd.get("spec"), "conversion");
        if (!conversion.hasNonNull("strategy")) {
            conversion.put("strategy", "None");
        }
    }

    /** The names are accepted and the definition Established, as upstream's controllers report them. */
    private static void acceptNames(ObjectNode crd, ObjectNode status) {
        status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
        ArrayNode conditions = status.putArray("conditions");
        String now = Json.timestamp(Instant.now());
        conditions.addObject().put("type", "NamesAccepted").put("status", "True").put("lastTransitionTime", now)
                .put("reason", "NoConflicts").put("message", "no conflicts found");
        conditions.addObject().put("type", "Established").put("status", "True").put("lastTransitionTime", now)
                .put("reason", "InitialNamesAccepted").put("message", "the initial names have been accepted");
    }

    @Override
    public List<Cause> validate(ObjectNode crd) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText("");
        String plural = spec.path("names").path("plural").asText("");
        if (group.isEmpty()) {
            causes.add(Validation.required("spec.group"));
        } else if (!group.contains(".")) {
            causes.add(Validation.invalid("spec.group", group, "should be a domain with at least one dot"));
        }
        if (plural.isEmpty()) {
            causes.add(Validation.required("spec.names.plural"));
        } else if (Validation.nameProblem(plural, Validation.NameRule.DNS1123_LABEL) != null) {
            causes.add(Validation.invalid("spec.names.plural", plural, Validation.nameProblem(plural, Validation.NameRule.DNS1123_LABEL)));
        }
        if (spec.path("names").path("kind").asText("").isEmpty()) {
            causes.add(Validation.required("spec.names.kind"));
        }
        String name = crd.path("metadata").path("name").asText();
        if (!name.equals(plural + "." + group)) {
            causes.add(Validation.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        causes.addAll(Validation.oneOf(crd, "spec.scope", List.of("Cluster", "Namespaced")));
        if (!spec.has("scope")) {
            causes.add(Validation.required("spec.scope"));
        }
        causes.addAll(Validation.oneOf(crd, "spec.conversion.strategy", List.of("None")));
        JsonNode versions = spec.path("versions");
        if (versions.isEmpty()) {
            causes.add(Validation.required("spec.versions"));
        }
        int storage = 0;
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            String f = "spec.versions[" + i + "]";
            if (v.path("storage").asBoolean(false)) {
                storage++;
            }
            String vname = v.path("name").asText("");
            if (Validation.nameProblem(vname, Validation.NameRule.DNS1035_LABEL) != null) {
                causes.add(Validation.invalid(f + ".name", vname, "must be a DNS-1035 label"));
            }
            if (!v.path("schema").has("openAPIV3Schema")) {
                causes.add(Validation.required(f + ".schema.openAPIV3Schema"));
            } else if (!v.path("schema").path("openAPIV3Schema").path("type").asText("").equals("object")) {
                causes.add(Validation.required(f + ".schema.openAPIV3Schema.type"));
            }
        }
        if (!versions.isEmpty() && storage != 1) {
            causes.add(Validation.invalid("spec.versions", storage, "must have exactly one version marked as storage version"));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode crd, ObjectNode old) {
        return Validation.immutableFields(crd, old, "spec.scope");
    }
}
