package io.kubej.apiserver.registry.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Events (upstream {@code pkg/registry/core/event}): what components tell users about objects; {@code kubectl describe} lists them by involvedObject. */
public final class EventStrategy implements RESTStrategy {
    @Override
    public boolean hasStatus() {
        return false;
    }

    @Override
    public List<Cause> validate(ObjectNode ev) {
        List<Cause> causes = new ArrayList<>();
        if (ev.path("involvedObject").isMissingNode()) {
            causes.add(Validation.required("involvedObject"));
        }
        return causes;
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.of("Last Seen", "string", "Time since the last occurrence"),
                Column.of("Type", "string", "Normal or Warning"),
                Column.of("Reason", "string", "Short machine-readable reason"),
                Column.of("Object", "string", "The object the event is about"),
                Column.wide("Subobject", "string", "Field path within the object"),
                Column.wide("Source", "string", "Component that reported it"),
                Column.of("Message", "string", "Human-readable description"),
                Column.wide("First Seen", "string", "Time since the first occurrence"),
                Column.wide("Count", "string", "Occurrences"),
                Column.wide("Name", "string", "Name of the event")), (ev, now) -> {
                    JsonNode io = ev.path("involvedObject");
                    String last = ev.path("lastTimestamp").asText(ev.path("eventTime").asText(""));
                    String first = ev.path("firstTimestamp").asText(last);
                    String source = ev.path("source").path("component").asText(ev.path("reportingComponent").asText(""));
                    String host = ev.path("source").path("host").asText("");
                    List<Object> cells = new ArrayList<>();
                    cells.add(since(last, now));
                    cells.add(ev.path("type").asText(""));
                    cells.add(ev.path("reason").asText(""));
                    cells.add(io.path("kind").asText("").toLowerCase() + "/" + io.path("name").asText(""));
                    cells.add(io.path("fieldPath").asText(""));
                    cells.add(host.isEmpty() ? source : source + ", " + host);
                    cells.add(ev.path("message").asText("").trim());
                    cells.add(since(first, now));
                    cells.add(Long.toString(ev.path("count").asLong(1)));
                    cells.add(TableConvertor.name(ev));
                    return cells;
                });
    }

    private static String since(String ts, Instant now) {
        if (ts.isEmpty() || ts.equals("null")) {
            return "<unknown>";
        }
        return TableConvertor.humanDuration(java.time.Duration.between(Instant.parse(ts), now));
    }
}
