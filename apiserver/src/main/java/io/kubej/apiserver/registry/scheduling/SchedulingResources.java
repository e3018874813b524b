package io.kubej.apiserver.registry.scheduling;

import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import java.util.List;
import java.util.Map;

/**
 * scheduling.k8s.io/v1 PriorityClasses (upstream {@code pkg/registry/scheduling/priorityclass}):
 * a name for a pod priority. The two system classes are made at start-up; user classes may
 * not start with {@code system-} nor exceed one billion, and a class's value never changes.
 */
public final class SchedulingResources {
    /** The system classes upstream's bootstrap creates, with their values. */
    public static final Map<String, Integer> SYSTEM_CLASSES = Map.of(
            "system-node-critical", 2_000_001_000, "system-cluster-critical", 2_000_000_000);
    static final int HIGHEST_USER_PRIORITY = 1_000_000_000;

    private SchedulingResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("scheduling.k8s.io", "v1", "PriorityClass").plural("priorityclasses").clusterScoped()
                .shortNames("pc").model(PriorityClass.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .defaults(pc -> WorkloadRules.putIfAbsent(pc, "preemptionPolicy", "PreemptLowerPriority"))
                        .validate(SchedulingResources::validate)
                        .immutable("value", "preemptionPolicy")
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the class"), Column.of("Value", "integer", "The priority"),
                        Column.of("Global-Default", "boolean", "Whether pods without a class get it"),
                        Column.of("Age", "string", "Time since creation"),
                        Column.of("PreemptionPolicy", "string", "Whether its pods preempt others")),
                        (pc, now) -> List.of(TableConvertor.name(pc), pc.path("value").asLong(), pc.path("globalDefault").asBoolean(false),
                                TableConvertor.age(pc, now), pc.path("preemptionPolicy").asText())))
                .build());
    }

    static List<Cause> validate(com.fasterxml.jackson.databind.node.ObjectNode pc) {
        String name = pc.path("metadata").path("name").asText();
        long value = pc.path("value").asLong();
        Integer system = SYSTEM_CLASSES.get(name);
        if (system != null) {
            return value == system ? List.of()
                    : List.of(Validation.forbidden("metadata.name", "priority class " + name + " is reserved with value " + system));
        }
        if (name.startsWith("system-")) {
            return List.of(Validation.forbidden("metadata.name", "priority class names with 'system-' prefix are reserved"));
        }
        if (value > HIGHEST_USER_PRIORITY) {
            return List.of(Validation.forbidden("value", "maximum allowed value of a user defined priority is " + HIGHEST_USER_PRIORITY));
        }
        return Validation.oneOf(pc, "preemptionPolicy", List.of("PreemptLowerPriority", "Never"));
    }
}
