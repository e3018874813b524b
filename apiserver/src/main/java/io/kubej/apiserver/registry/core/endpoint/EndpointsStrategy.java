package io.kubej.apiserver.registry.core.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/** Endpoints (upstream {@code pkg/registry/core/endpoint}): the pod addresses behind a Service, kept by the endpoints controller. */
public final class EndpointsStrategy implements RESTStrategy {
    @Override
    public boolean hasStatus() {
        return false;
    }

    @Override
    public List<Cause> validate(ObjectNode ep) {
        return List.of();
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the endpoints"),
                Column.of("Endpoints", "string", "Addresses and ports"),
                Column.of("Age", "string", "Time since creation")), (ep, now) -> {
                    List<String> list = new ArrayList<>();
                    for (JsonNode subset : ep.path("subsets")) {
                        for (JsonNode a : subset.path("addresses")) {
                            if (subset.path("ports").isEmpty()) {
                                list.add(a.path("ip").asText());
                            }
                            for (JsonNode p : subset.path("ports")) {
                                list.add(a.path("ip").asText() + ":" + p.path("port").asInt());
                            }
                        }
                    }
                    String shown = list.isEmpty() ? "<none>" : list.size() > 3
                            ? String.join(",", list.subList(0, 3)) + " + " + (list.size() - 3) + " more..." : String.join(",", list);
                    return List.of(TableConvertor.name(ep), shown, TableConvertor.age(ep, now));
                });
    }
}
