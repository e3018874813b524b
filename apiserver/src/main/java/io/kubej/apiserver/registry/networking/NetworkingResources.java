package io.kubej.apiserver.registry.networking;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;

/**
 * networking.k8s.io/v1 (upstream {@code pkg/registry/networking}): Ingresses and IngressClasses
 * (served for an ingress controller to read; kubej ships none) and NetworkPolicies (stored;
 * kubej's CNI bridge does not enforce them, as with upstream's plain bridge plugin).
 */
public final class NetworkingResources {
    private static final String GROUP = "networking.k8s.io";

    private NetworkingResources() {
    }

    public static List<Resource> resources() {
        return List.of(
                Resource.builder(GROUP, "v1", "Ingress").plural("ingresses").shortNames("ing").model(Ingress.class)
                        .strategy(SimpleStrategy.builder()
                                .validate(i -> i.path("spec").path("rules").isEmpty() && !i.path("spec").has("defaultBackend")
                                        ? List.of(Validation.required("spec.rules")) : List.of())
                                .build())
                        .table(TableConvertor.of(List.of(Column.name("Name of the ingress"), Column.of("Class", "string", "Its ingress class"),
                                Column.of("Hosts", "string", "Host names served"), Column.of("Address", "string", "Where it listens"),
                                Column.of("Ports", "string", "Ports it listens on"), Column.of("Age", "string", "Time since creation")),
                                (i, now) -> {
                                    List<String> hosts = new ArrayList<>();
                                    i.path("spec").path("rules").forEach(r -> hosts.add(r.path("host").asText("*")));
                                    List<String> addresses = new ArrayList<>();
                                    for (JsonNode lb : i.path("status").path("loadBalancer").path("ingress")) {
                                        addresses.add(lb.path("ip").asText(lb.path("hostname").asText()));
                                    }
                                    return List.of(TableConvertor.name(i), i.path("spec").path("ingressClassName").asText("<none>"),
                                            hosts.isEmpty() ? "*" : String.join(",", hosts), String.join(",", addresses),
                                            i.path("spec").path("tls").isEmpty() ? "80" : "80, 443", TableConvertor.age(i, now));
                                }))
                        .subresource(StatusSubresource.INSTANCE).build(),
                Resource.builder(GROUP, "v1", "IngressClass").plural("ingressclasses").clusterScoped().model(IngressClass.class)
                        .strategy(SimpleStrategy.builder().noStatus().validate(c -> Validation.requireField(c, "spec.controller"))
                                .immutable("spec.controller").build())
                        .build(),
                Resource.builder(GROUP, "v1", "NetworkPolicy").plural("networkpolicies").shortNames("netpol").model(NetworkPolicy.class)
                        .strategy(SimpleStrategy.builder().noStatus()
                                .defaults(np -> {
                                    var spec = io.kubej.apiserver.api.Json.obj(np, "spec");
                                    if (!spec.has("policyTypes")) {
                                        var types = spec.putArray("policyTypes").add("Ingress");
                                        if (spec.has("egress")) {
                                            types.add("Egress");
                                        }
                                    }
                                })
                                .build())
                        .table(TableConvertor.of(List.of(Column.name("Name of the policy"), Column.of("Pod-Selector", "string", "Pods it applies to"),
                                Column.of("Age", "string", "Time since creation")), (np, now) -> List.of(TableConvertor.name(np),
                                        np.path("spec").path("podSelector").isEmpty() ? "<none>" : np.path("spec").path("podSelector").toString(),
                                        TableConvertor.age(np, now))))
                        .build());
    }
}
