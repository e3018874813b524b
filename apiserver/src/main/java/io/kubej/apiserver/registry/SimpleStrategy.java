package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import java.util.ArrayList;
import java.util.List;
import io.kubej.apiserver.authentication.UserInfo;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A strategy assembled from its rules, for kinds whose strategy.go upstream is only defaults,
 * validation and immutable fields: each rule reads as one line in the kind's registration.
 */
public final class SimpleStrategy implements RESTStrategy {
    private final boolean hasStatus;
    private final Consumer<ObjectNode> defaults;
    private final Consumer<ObjectNode> initialStatus;
    private final Function<ObjectNode, List<Cause>> validate;
    private final Function<ObjectNode, List<Cause>> validateCreate;
    private final BiFunction<ObjectNode, ObjectNode, List<Cause>> validateUpdate;
    private final BiConsumer<ObjectNode, UserInfo> requester;

    private SimpleStrategy(Builder b) {
        this.hasStatus = b.hasStatus;
        this.defaults = b.defaults;
        this.initialStatus = b.initialStatus;
        this.validate = b.validate;
        this.validateCreate = b.validateCreate;
        this.validateUpdate = b.validateUpdate;
        this.requester = b.requester;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean hasStatus() {
        return hasStatus;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        if (hasStatus) {
            object.remove("status");
            initialStatus.accept(object);
        }
        defaults.accept(object);
    }

    @Override
    public void recordRequester(ObjectNode object, UserInfo user) {
        requester.accept(object, user);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        defaults.accept(object);
    }

    @Override
    public List<Cause> validate(ObjectNode object) {
        return validate.apply(object);
    }

    @Override
    public List<Cause> validateCreate(ObjectNode object) {
        return validateCreate.apply(object);
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode object, ObjectNode old) {
        return validateUpdate.apply(object, old);
    }

    public static final class Builder {
        private boolean hasStatus = true;
        private Consumer<ObjectNode> defaults = o -> { };
        private Consumer<ObjectNode> initialStatus = o -> { };
        private Function<ObjectNode, List<Cause>> validate = o -> List.of();
        private Function<ObjectNode, List<Cause>> validateCreate = o -> List.of();
        private BiFunction<ObjectNode, ObjectNode, List<Cause>> validateUpdate = (o, old) -> List.of();
        private BiConsumer<ObjectNode, UserInfo> requester = (o, user) -> { };

        /** The kind has no status (ConfigMap-like): updates replace the whole object. */
        public Builder noStatus() {
            hasStatus = false;
            return this;
        }

        public Builder defaults(Consumer<ObjectNode> d) {
            defaults = defaults.andThen(d);
            return this;
        }

        /** The status a new object starts with (a new PVC is Pending). */
        public Builder initialStatus(Consumer<ObjectNode> s) {
            initialStatus = s;
            return this;
        }

        /** What a create records of the requesting user (see {@link RESTStrategy#recordRequester}). */
        public Builder requester(BiConsumer<ObjectNode, UserInfo> r) {
            requester = r;
            return this;
        }

        public Builder validate(Function<ObjectNode, List<Cause>> v) {
            Function<ObjectNode, List<Cause>> before = validate;
            validate = o -> concat(before.apply(o), v.apply(o));
            return this;
        }

        /** Rules for new objects only. */
        public Builder validateCreate(Function<ObjectNode, List<Cause>> v) {
            Function<ObjectNode, List<Cause>> before = validateCreate;
            validateCreate = o -> concat(before.apply(o), v.apply(o));
            return this;
        }

        public Builder validateUpdate(BiFunction<ObjectNode, ObjectNode, List<Cause>> v) {
            BiFunction<ObjectNode, ObjectNode, List<Cause>> before = validateUpdate;
            validateUpdate = (o, old) -> concat(before.apply(o, old), v.apply(o, old));
            return this;
        }

        /** Fields (dotted paths) that may only be set at creation; a change is 422 "field is immutable". */
        public Builder immutable(String... paths) {
            return validateUpdate((o, old) -> Validation.immutableFields(o, old, paths));
        }

        public SimpleStrategy build() {
            return new SimpleStrategy(this);
        }

        private static List<Cause> concat(List<Cause> a, List<Cause> b) {
            if (a.isEmpty()) {
                return b;
            }
            List<Cause> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }
    }
}
