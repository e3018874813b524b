package io.kubej.apiserver.registry.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * discovery.k8s.io/v1 EndpointSlices (upstream {@code pkg/registry/discovery/endpointslice}):
 * the scalable successor of Endpoints, at most 1000 endpoints per slice, each slice of one
 * address type (IPv4, IPv6 or FQDN), which never changes; the service a slice belongs to is its
 * {@code kubernetes.io/service-name} label.
 */
public final class DiscoveryResources {
    private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6", "FQDN");

    private DiscoveryResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("discovery.k8s.io", "v1", "EndpointSlice").model(EndpointSlice.class)
                .strategy(SimpleStrategy.builder().noStatus()
                        .validate(DiscoveryResources::validate)
                        .immutable("addressType")
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the slice"),
                        Column.of("AddressType", "string", "IPv4, IPv6 or FQDN"), Column.of("Ports", "string", "Ports of the endpoints"),
                        Column.of("Endpoints", "string", "Addresses"), Column.of("Age", "string", "Time since creation")),
                        (s, now) -> {
                            List<String> ports = new ArrayList<>();
                            s.path("ports").forEach(p -> ports.add(p.path("port").asText()));
                            List<String> addresses = new ArrayList<>();
                            s.path("endpoints").forEach(e -> e.path("addresses").forEach(a -> addresses.add(a.asText())));
                            String shown = addresses.size() > 3 ? String.join(",", addresses.subList(0, 3)) + " + " + (addresses.size() - 3) + " more..."
                                    : addresses.isEmpty() ? "<unset>" : String.join(",", addresses);
                            return List.of(TableConvertor.name(s), s.path("addressType").asText(),
                                    ports.isEmpty() ? "<unset>" : String.join(",", ports), shown, TableConvertor.age(s, now));
                        }))
                .build());
    }

    static List<Cause> validate(ObjectNode slice) {
        List<Cause> causes = new ArrayList<>();
        String type = slice.path("addressType").asText("");
        if (type.isEmpty()) {
            causes.add(Validation.required("addressType"));
        } else if (!ADDRESS_TYPES.contains(type)) {
            causes.add(Validation.notSupported("addressType", type, ADDRESS_TYPES));
        }
        JsonNode endpoints = slice.path("endpoints");
        if (endpoints.size() > 1000) {
            causes.add(new Cause("FieldValueTooMany", "endpoints", "Too many: " + endpoints.size() + ": must have at most 1000 items"));
        }
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode addresses = endpoints.get(i).path("addresses");
            if (addresses.isEmpty()) {
                causes.add(Validation.required("endpoints[" + i + "].addresses"));
            }
        }
        return causes;
    }
}
