package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Priority admission plugin (upstream {@code plugin/pkg/admission/priority}): a new pod's
 * {@code spec.priority} comes from its {@code priorityClassName}, or from the class marked
 * {@code globalDefault}, or is 0; the class's {@code preemptionPolicy} comes along. A pod may
 * not choose its own number, and a class that does not exist is refused.
 */
public final class Priority implements AdmissionPlugin {
    private final Function<String, Optional<ObjectNode>> classes;
    private final Supplier<List<ObjectNode>> allClasses;

    public Priority(Function<String, Optional<ObjectNode>> classes, Supplier<List<ObjectNode>> allClasses) {
        this.classes = classes;
        this.allClasses = allClasses;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.creates("", "pods")) {
            return;
        }
        ObjectNode spec = Json.obj(a.object(), "spec");
        String name = spec.path("priorityClassName").asText("");
        ObjectNode chosen;
        if (name.isEmpty()) {
            chosen = allClasses.get().stream().filter(c -> c.path("globalDefault").asBoolean(false)).findFirst().orElse(null);
            if (chosen != null) {
                spec.put("priorityClassName", chosen.path("metadata").path("name").asText());
            }
        } else {
            chosen = classes.apply(name).orElseThrow(() -> StatusError.forbiddenOn("", "pods", a.name(),
                    "no PriorityClass with name " + name + " was found"));
        }
        int value = chosen == null ? 0 : chosen.path("value").asInt();
        JsonNode asked = spec.path("priority");
        if (asked.isInt() && asked.asInt() != value) {
            throw StatusError.forbiddenOn("", "pods", a.name(), "the integer value of priority (" + asked.asInt()
                    + ") must not be provided in pod spec; priority admission controller computed " + value
                    + " from the given PriorityClass name");
        }
        spec.put("priority", value);
        if (chosen != null && chosen.has("preemptionPolicy")) {
            spec.put("preemptionPolicy", chosen.path("preemptionPolicy").asText());
        } else if (!spec.has("preemptionPolicy")) {
            spec.put("preemptionPolicy", "PreemptLowerPriority");
        }
    }
}
