package io.kubej.apiserver.registry.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Services (upstream {@code pkg/registry/core/service}): defaults (ClusterIP type, TCP,
 * targetPort = port), a ClusterIP allocated on create ("None" makes a headless service) and
 * released on delete, a nodePort for NodePort/LoadBalancer services.
 */
public final class ServiceStrategy implements RESTStrategy {
    private final ClusterIPAllocator ips;
    private final int nodePortMin;
    private final int nodePortMax;

    public ServiceStrategy(ClusterIPAllocator ips, int nodePortMin, int nodePortMax) {
        this.ips = ips;
        this.nodePortMin = nodePortMin;
        this.nodePortMax = nodePortMax;
    }

    @Override
    public void prepareForCreate(ObjectNode svc) {
        ObjectNode spec = Json.obj(svc, "spec");
        applyDefaults(spec);
        svc.putObject("status").putObject("loadBalancer");
    }

    @Override
    public void prepareForUpdate(ObjectNode svc, ObjectNode old) {
        ObjectNode spec = Json.obj(svc, "spec");
        // The ClusterIP is immutable once allocated; an update that omits it keeps it.
        JsonNode oldIp = old.path("spec").get("clusterIP");
        if (oldIp != null && !spec.hasNonNull("clusterIP")) {
            spec.set("clusterIP", oldIp);
            spec.set("clusterIPs", old.path("spec").get("clusterIPs"));
        }
        applyDefaults(spec);
    }

    private static void applyDefaults(ObjectNode spec) {
        if (!spec.hasNonNull("type")) {
            spec.put("type", "ClusterIP");
        }
        if (!spec.hasNonNull("sessionAffinity")) {
            spec.put("sessionAffinity", "None");
        }
        if (!spec.hasNonNull("internalTrafficPolicy")) {
            spec.put("internalTrafficPolicy", "Cluster");
        }
        JsonNode ports = spec.get("ports");
        if (ports instanceof ArrayNode arr) {
            for (JsonNode p : arr) {
                if (p instanceof ObjectNode port) {
                    if (!port.hasNonNull("protocol")) {
                        port.put("protocol", "TCP");
                    }
                    if (!port.hasNonNull("targetPort") && port.has("port")) {
                        port.put("targetPort", port.get("port").asInt());
                    }
                }
            }
        }
    }

    @Override
    public List<Cause> validate(ObjectNode svc) {
        List<Cause> causes = new ArrayList<>(Validation.validateName(svc, Validation.NameRule.DNS1035_LABEL));
        JsonNode spec = svc.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        List<String> types = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
        if (!types.contains(type)) {
            causes.add(Validation.notSupported("spec.type", type, types));
        }
        JsonNode ports = spec.path("ports");
        if (!type.equals("ExternalName") && ports.isEmpty() && !"None".equals(spec.path("clusterIP").asText())) {
            causes.add(Validation.required("spec.ports"));
        }
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i).path("port").asInt(0);
            if (port < 1 || port > 65535) {
                causes.add(Validation.invalid("spec.ports[" + i + "].port", port, "must be between 1 and 65535, inclusive"));
            }
            if (ports.size() > 1 && ports.get(i).path("name").asText("").isEmpty()) {
                causes.add(Validation.required("spec.ports[" + i + "].name"));
            }
        }
        String ip = spec.path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None") && !ips.contains(ip)) {
            causes.add(Validation.invalid("spec.clusterIPs", ip, "provided IP is not in the valid range. "
                    + "The range of valid IPs is the service cluster IP range"));
        }
        return causes;
    }

    /** Allocates the ClusterIP (and node ports) of a new, already validated service. */
    public void allocate(ObjectNode svc) {
        ObjectNode spec = Json.obj(svc, "spec");
        String name = svc.path("metadata").path("namespace").asText() + "/" + svc.path("metadata").path("name").asText();
        String type = spec.path("type").asText();
        if (!type.equals("ExternalName")) {
            String ip = spec.path("clusterIP").asText("");
            if (ip.equals("None")) {
                setIps(spec, "None");
            } else if (!ip.isEmpty()) {
                if (!ips.allocate(ip, name)) {
                    throw StatusError.invalid("", "Service", svc.path("metadata").path("name").asText(), List.of(
                            Validation.invalid("spec.clusterIPs", ip, "failed to allocate IP " + ip + ": provided IP is already allocated")));
                }
                setIps(spec, ip);
            } else {
                String next = ips.allocateNext(name);
                if (next == null) {
                    throw StatusError.internal("failed to allocate a serviceIP: range is full");
                }
                setIps(spec, next);
            }
            spec.putArray("ipFamilies").add("IPv4");
            spec.put("ipFamilyPolicy", "SingleStack");
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            for (JsonNode p : spec.path("ports")) {
                if (p instanceof ObjectNode port && !port.has("nodePort")) {
                    port.put("nodePort", nodePortMin + ThreadLocalRandom.current().nextInt(nodePortMax - nodePortMin + 1));
                }
            }
            if (!spec.hasNonNull("externalTrafficPolicy")) {
                spec.put("externalTrafficPolicy", "Cluster");
            }
        }
    }

    private static void setIps(ObjectNode spec, String ip) {
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
    }

    @Override
    public void afterDelete(ObjectNode svc) {
        String ip = svc.path("spec").path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None")) {
            ips.release(ip);
        }
    }

    public static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the service"),
                Column.of("Type", "string", "ClusterIP, NodePort, LoadBalancer or ExternalName"),
                Column.of("Cluster-IP", "string", "Virtual IP inside the cluster"),
                Column.of("External-IP", "string", "External addresses"),
                Column.of("Port(s)", "string", "Ports the service exposes"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("Selector", "string", "Labels of the pods behind it")), (svc, now) -> {
                    JsonNode spec = svc.path("spec");
                    List<String> ports = new ArrayList<>();
                    for (JsonNode p : spec.path("ports")) {
                        String s = p.path("port").asInt() + (p.has("nodePort") ? ":" + p.path("nodePort").asInt() : "");
                        ports.add(s + "/" + p.path("protocol").asText("TCP"));
                    }
                    List<String> external = new ArrayList<>();
                    spec.path("externalIPs").forEach(e -> external.add(e.asText()));
                    for (JsonNode ing : svc.path("status").path("loadBalancer").path("ingress")) {
                        external.add(ing.path("ip").asText(ing.path("hostname").asText()));
                    }
                    String type = spec.path("type").asText("ClusterIP");
                    String ext = !external.isEmpty() ? String.join(",", external)
                            : type.equals("LoadBalancer") ? "<pending>"
                            : type.equals("ExternalName") ? spec.path("externalName").asText() : "<none>";
                    List<String> sel = new ArrayList<>();
                    spec.path("selector").fields().forEachRemaining(e -> sel.add(e.getKey() + "=" + e.getValue().asText()));
                    return List.of(TableConvertor.name(svc), type, spec.path("clusterIP").asText("<none>"), ext,
                            ports.isEmpty() ? "<none>" : String.join(",", ports), TableConvertor.age(svc, now),
                            sel.isEmpty() ? "<none>" : String.join(",", sel));
                });
    }
}
