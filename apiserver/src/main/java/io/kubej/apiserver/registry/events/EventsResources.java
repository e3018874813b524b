package io.kubej.apiserver.registry.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Conversion;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.core.event.EventStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * events.k8s.io/v1 Events (upstream {@code pkg/registry/events}): the newer shape of the same
 * Events, stored as core v1 Events under the same keys, so {@code kubectl get events} and an
 * events.k8s.io client see one set. The fields are renamed (regarding is involvedObject, note
 * is message, reportingController is reportingComponent) and the old counting fields are
 * {@code deprecated*}. A new event through this API must say when, who reported it and what
 * happened (eventTime, reportingController, reportingInstance, action, reason), as upstream
 * requires.
 */
public final class EventsResources {
    /** events.k8s.io/v1 field -> core v1 field; the others (metadata, reason, type, action, ...) share their names. */
    static final Map<String, String> RENAMED = Map.of(
            "regarding", "involvedObject",
            "note", "message",
            "reportingController", "reportingComponent",
            "deprecatedSource", "source",
            "deprecatedFirstTimestamp", "firstTimestamp",
            "deprecatedLastTimestamp", "lastTimestamp",
            "deprecatedCount", "count");

    private EventsResources() {
    }

    static final Conversion TO_CORE = new Conversion() {
        @Override
        public ObjectNode toStorage(ObjectNode served) {
            return renamed(served, RENAMED, "v1");
        }

        @Override
        public ObjectNode fromStorage(ObjectNode stored) {
            Map<String, String> back = new java.util.HashMap<>();
            RENAMED.forEach((k, v) -> back.put(v, k));
            return renamed(stored, back, "events.k8s.io/v1");
        }
    };

    private static ObjectNode renamed(ObjectNode from, Map<String, String> names, String apiVersion) {
        ObjectNode out = Json.object();
        from.fields().forEachRemaining(e -> out.set(names.getOrDefault(e.getKey(), e.getKey()), e.getValue()));
        out.put("apiVersion", apiVersion).put("kind", "Event");
        return out;
    }

    public static List<Resource> resources() {
        TableConvertor core = EventStrategy.table();
        return List.of(Resource.builder("events.k8s.io", "v1", "Event").shortNames("ev").model(io.fabric8.kubernetes.api.model.events.v1.Event.class)
                .etcdResource("events").conversion(TO_CORE)
                // field selectors see the stored shape, so only the fields both shapes name alike
                .fieldLabels("reason", "type")
                .strategy(SimpleStrategy.builder().noStatus().validateCreate(EventsResources::validate).build())
                // the same columns as core Events, from the stored shape
                .table(TableConvertor.of(core.columns(), (o, now) -> core.cells(TO_CORE.toStorage(o), now)))
                .build());
    }

    static List<Cause> validate(ObjectNode ev) {
        List<Cause> causes = new ArrayList<>();
        for (String f : new String[] {"eventTime", "reportingController", "reportingInstance", "action", "reason"}) {
            JsonNode v = ev.get(f);
            if (v == null || v.isNull() || v.asText().isEmpty()) {
                causes.add(Validation.required(f));
            }
        }
        return causes;
    }
}
