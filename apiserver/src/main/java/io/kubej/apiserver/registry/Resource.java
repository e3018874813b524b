package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One resource the API server serves: the single registration everything else reads
 * (upstream spreads this over {@code pkg/apis/<group>} and {@code pkg/registry/<group>/<resource>/storage}).
 * Discovery shows its names, verbs and subresources; strict field validation decodes into its
 * model class; strategic merge patch follows its patch metadata; the generic store applies its
 * strategy and keeps it under its etcd prefix. Adding a kind means writing one of these.
 *
 * @param model        the typed (fabric8) model of the kind: which fields exist, for
 *                     {@code fieldValidation} and for pruning unknown fields; null for custom resources
 * @param etcdResource the key segment under {@code --etcd-prefix}; upstream keeps some historic
 *                     names (nodes are {@code minions}, services {@code services/specs})
 * @param fieldLabels  the fields a fieldSelector may use ({@code metadata.name} and, when
 *                     namespaced, {@code metadata.namespace} always)
 * @param protobuf     decodes this kind's protobuf body, or null when kubej accepts only JSON for it
 * @param nameRule     what metadata.name must look like (a DNS-1123 subdomain unless the kind says otherwise)
 * @param patchMeta    strategic-merge metadata; null where strategic merge patch is refused (custom resources)
 * @param fieldSchema  for kinds without a model: which fields the schema does not know (a CRD's schema)
 * @param review       for kinds that are answered, never stored (TokenReview, SubjectAccessReview, ...): the answer
 * @param conversion   how this version differs from its stored form beyond apiVersion, or null
 */
public record Resource(String group, String version, String kind, String plural, String singular,
                       boolean namespaced, List<String> shortNames, List<String> categories, Set<String> verbs,
                       Class<?> model, String etcdResource, Set<String> fieldLabels, RESTStrategy strategy,
                       TableConvertor table, List<Subresource> subresources, PatchMeta patchMeta,
                       ProtobufDecoder protobuf, Validation.NameRule nameRule, FieldSchema fieldSchema, Review review,
                       Conversion conversion) {

    /** The verbs of an ordinary stored resource. */
    public static final Set<String> STORED_VERBS = Set.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /**
     * How a create-only review kind answers (upstream's {@code rest.Creater} of
     * {@code pkg/registry/authorization/*}): from the request's object and the asking user, the
     * same object with its status filled in. Nothing is stored.
     */
    @FunctionalInterface
    public interface Review {
        ObjectNode answer(ObjectNode request, io.kubej.apiserver.authentication.UserInfo user, String namespace);
    }

    /** Decodes the raw bytes of a {@code runtime.Unknown} envelope into this kind's JSON. */
    @FunctionalInterface
    public interface ProtobufDecoder {
        ObjectNode decode(String apiVersion, String kind, byte[] raw) throws java.io.IOException;
    }

    public String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code pods} or {@code replicasets.apps}, as messages name a resource. */
    public String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public Optional<Subresource> subresource(String name) {
        return subresources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static Builder builder(String group, String version, String kind) {
        return new Builder(group, version, kind);
    }

    /**
     * Builds a registration with upstream's conventions as defaults: plural = lower-case kind +
     * "s", singular = lower-case kind, namespaced, stored under the plural, a NAME/AGE table.
     */
    public static final class Builder {
        private final String group;
        private final String version;
        private final String kind;
        private String plural;
        private String singular;
        private boolean namespaced = true;
        private final List<String> shortNames = new ArrayList<>();
        private final List<String> categories = new ArrayList<>();
        private Set<String> verbs = STORED_VERBS;
        private Class<?> model;
        private String etcdResource;
        private final Set<String> fieldLabels = new LinkedHashSet<>();
        private RESTStrategy strategy;
        private TableConvertor table;
        private final List<Subresource> subresources = new ArrayList<>();
        private PatchMeta patchMeta = PatchMeta.OBJECT;
        private ProtobufDecoder protobuf;
        private Validation.NameRule nameRule = Validation.NameRule.DNS1123_SUBDOMAIN;
        private FieldSchema fieldSchema;
        private Review review;
        private Conversion conversion;

        private Builder(String group, String version, String kind) {
            this.group = group;
            this.version = version;
            this.kind = kind;
        }

        public Builder plural(String p) {
            plural = p;
            return this;
        }

        public Builder singular(String s) {
            singular = s;
            return this;
        }

        public Builder clusterScoped() {
            namespaced = false;
            return this;
        }

        public Builder shortNames(String... names) {
            shortNames.addAll(List.of(names));
            return this;
        }

        public Builder categories(String... names) {
            categories.addAll(List.of(names));
            return this;
        }

        /** Only these verbs (e.g. create-only review resources). */
        public Builder verbs(String... v) {
            verbs = Set.of(v);
            return this;
        }

        public Builder model(Class<?> m) {
            model = m;
            return this;
        }

        public Builder etcdResource(String segment) {
            etcdResource = segment;
            return this;
        }

        public Builder fieldLabels(String... labels) {
            fieldLabels.addAll(List.of(labels));
            return this;
        }

        public Builder strategy(RESTStrategy s) {
            strategy = s;
            return this;
        }

        public Builder table(TableConvertor t) {
            table = t;
            return this;
        }

        public Builder subresource(Subresource s) {
            subresources.add(s);
            return this;
        }

        public Builder patchMeta(PatchMeta p) {
            patchMeta = p;
            return this;
        }

        public Builder protobuf(ProtobufDecoder d) {
            protobuf = d;
            return this;
        }

        /** Stored in another version's shape (and key space, see {@link #etcdResource}). */
        public Builder conversion(Conversion c) {
            conversion = c;
            return this;
        }

        /** A create-only kind whose answer is computed, not stored. */
        public Builder review(Review r) {
            review = r;
            verbs = Set.of("create");
            return this;
        }

        public Builder fieldSchema(FieldSchema f) {
            fieldSchema = f;
            return this;
        }

        public Builder nameRule(Validation.NameRule rule) {
            nameRule = rule;
            return this;
        }

        public Resource build() {
            String lower = kind.toLowerCase(Locale.ROOT);
            String p = plural != null ? plural : lower + "s";
            Set<String> labels = new LinkedHashSet<>();
            labels.add("metadata.name");
            if (namespaced) {
                labels.add("metadata.namespace");
            }
            labels.addAll(fieldLabels);
            return new Resource(group, version, kind, p, singular != null ? singular : lower, namespaced,
                    List.copyOf(shortNames), List.copyOf(categories), verbs, model,
                    etcdResource != null ? etcdResource : p, Set.copyOf(labels),
                    Objects.requireNonNull(strategy, "strategy of " + kind), table != null ? table : TableConvertor.DEFAULT,
                    List.copyOf(subresources), patchMeta, protobuf, nameRule, fieldSchema, review, conversion);
        }
    }
}
