package io.kubej.apiserver.registry.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import java.util.ArrayList;
import java.util.List;

/**
 * Services (upstream {@code pkg/registry/core/service}): defaults (ClusterIP type, TCP,
 * targetPort = port), a ClusterIP allocated on create ("None" makes a headless service) and
 * released on delete, a nodePort for NodePort/LoadBalancer services.
 */
public final class ServiceStrategy implements RESTStrategy {
    /**
     * What {@code kubectl create service} sends (upstream core/v1 generated.proto): 1 metadata,
     * 2 spec {1 ports {1 name, 2 protocol, 3 port, 4 targetPort, 5 nodePort, 6 appProtocol},
     * 2 selector, 3 clusterIP, 4 type, 5 externalIPs, 7 sessionAffinity, 8 loadBalancerIP,
     * 9 loadBalancerSourceRanges, 10 externalName, 11 externalTrafficPolicy, 18 clusterIPs},
     * 3 status (empty on create). A targetPort of 0 is unset, and defaults to the port.
     */
    public static final ProtoMessage PROTO = ProtoMessage.of().objectMeta()
            .message(2, "spec", ProtoMessage.of()
                    .messages(1, "ports", ProtoMessage.of().string(1, "name").string(2, "protocol").int32(3, "port")
                            .intOrString(4, "targetPort").int32(5, "nodePort").string(6, "appProtocol"))
                    .stringMap(2, "selector").string(3, "clusterIP").strings(18, "clusterIPs").string(4, "type")
                    .strings(5, "externalIPs").string(7, "sessionAffinity").string(8, "loadBalancerIP")
                    .strings(9, "loadBalancerSourceRanges").string(10, "externalName").string(11, "externalTrafficPolicy"))
            .message(3, "status", ProtoMessage.of());

    private static final List<String> TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

    private final ClusterIPAllocator ips;
    private final NodePortAllocator nodePorts;

    public ServiceStrategy(ClusterIPAllocator ips, NodePortAllocator nodePorts) {
        this.ips = ips;
        this.nodePorts = nodePorts;
    }

    @Override
    public void prepareForCreate(ObjectNode svc) {
        applyDefaults(Json.obj(svc, "spec"));
        svc.putObject("status").putObject("loadBalancer");
    }

    /** What the server allocated stays when an update omits it (kubectl apply never sends clusterIP or nodePort). */
    @Override
    public void prepareForUpdate(ObjectNode svc, ObjectNode old) {
        ObjectNode spec = Json.obj(svc, "spec");
        JsonNode oldSpec = old.path("spec");
        if (oldSpec.has("clusterIP") && !spec.hasNonNull("clusterIP")) {
            spec.set("clusterIP", oldSpec.get("clusterIP"));
        }
        for (String f : new String[] {"clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
            if (oldSpec.has(f) && !spec.has(f)) {
                spec.set(f, oldSpec.get(f));
            }
        }
        applyDefaults(spec);
        if (needsNodePorts(spec)) {
            for (JsonNode p : spec.path("ports")) {
                if (p instanceof ObjectNode port && !port.has("nodePort")) {
                    for (JsonNode o : oldSpec.path("ports")) {
                        if (o.path("port").asInt() == port.path("port").asInt() && o.has("nodePort")
                                && o.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP"))) {
                            port.set("nodePort", o.get("nodePort"));
                        }
                    }
                }
            }
            if (needsHealthCheckNodePort(spec) && !spec.has("healthCheckNodePort") && oldSpec.has("healthCheckNodePort")) {
                spec.set("healthCheckNodePort", oldSpec.get("healthCheckNodePort"));
            }
        } else {
            // A service that is no longer NodePort/LoadBalancer gives its node ports back (upstream clears them).
            spec.path("ports").forEach(p -> ((ObjectNode) p).remove("nodePort"));
        }
        if (!needsHealthCheckNodePort(spec)) {
            spec.remove("healthCheckNodePort");
        }
    }

    private static void applyDefaults(ObjectNode spec) {
        putIfAbsent(spec, "type", "ClusterIP");
        putIfAbsent(spec, "sessionAffinity", "None");
        putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
        if (needsNodePorts(spec)) {
            putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
        }
        if (spec.path("type").asText().equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
            spec.put("allocateLoadBalancerNodePorts", true);
        }
        JsonNode ports = spec.get("ports");
        if (ports instanceof ArrayNode arr) {
            for (JsonNode p : arr) {
                if (p instanceof ObjectNode port) {
                    putIfAbsent(port, "protocol", "TCP");
                    if (!port.hasNonNull("targetPort") && port.has("port")) {
                        port.put("targetPort", port.get("port").asInt());
                    }
                }
            }
        }
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field)) {
            o.put(field, value);
        }
    }

    static boolean needsNodePorts(JsonNode spec) {
        String type = spec.path("type").asText("ClusterIP");
        return type.equals("NodePort") || type.equals("LoadBalancer");
    }

    /** Upstream allocates a health-check node port for LoadBalancer services with externalTrafficPolicy Local. */
    static boolean needsHealthCheckNodePort(JsonNode spec) {
        return spec.path("type").asText().equals("LoadBalancer") && spec.path("externalTrafficPolicy").asText().equals("Local");
    }

    @Override
    public List<Cause> validate(ObjectNode svc) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = svc.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        if (!TYPES.contains(type)) {
            causes.add(Validation.notSupported("spec.type", type, TYPES));
        }
        JsonNode ports = spec.path("ports");
        if (!type.equals("ExternalName") && ports.isEmpty() && !"None".equals(spec.path("clusterIP").asText())) {
            causes.add(Validation.required("spec.ports"));
        }
        java.util.Set<Integer> seenNodePorts = new java.util.HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            int port = p.path("port").asInt(0);
            if (port < 1 || port > 65535) {
                causes.add(Validation.invalid("spec.ports[" + i + "].port", port, "must be between 1 and 65535, inclusive"));
            }
            if (ports.size() > 1 && p.path("name").asText("").isEmpty()) {
                causes.add(Validation.required("spec.ports[" + i + "].name"));
            }
            if (p.has("nodePort")) {
                int np = p.path("nodePort").asInt();
                if (!needsNodePorts(spec)) {
                    causes.add(Validation.forbidden("spec.ports[" + i + "].nodePort", "may not be used when `type` is '" + type + "'"));
                } else if (!nodePorts.contains(np)) {
                    causes.add(Validation.invalid("spec.ports[" + i + "].nodePort", np,
                            "provided port is not in the valid range. The range of valid ports is " + nodePorts.range()));
                } else if (!seenNodePorts.add(np) && ports.size() > 1) {
                    causes.add(Validation.duplicate("spec.ports[" + i + "].nodePort", np));
                }
            }
        }
        String policy = spec.path("externalTrafficPolicy").asText("");
        if (!policy.isEmpty() && !policy.equals("Cluster") && !policy.equals("Local")) {
            causes.add(Validation.notSupported("spec.externalTrafficPolicy", policy, List.of("Cluster", "Local")));
        }
        String ip = spec.path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None") && !ips.contains(ip)) {
            causes.add(Validation.invalid("spec.clusterIPs", ip, "provided IP is not in the valid range. "
                    + "The range of valid IPs is the service cluster IP range"));
        }
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode svc, ObjectNode old) {
        String oldIp = old.path("spec").path("clusterIP").asText("");
        String newIp = svc.path("spec").path("clusterIP").asText("");
        if (!oldIp.isEmpty() && !oldIp.equals(newIp) && !svc.path("spec").path("type").asText().equals("ExternalName")) {
            return List.of(Validation.invalid("spec.clusterIPs[0]", newIp, "may not change once set"));
        }
        return List.of();
    }

    /** Claims the ClusterIP and node ports of a new, validated service; the result gives them back if the write fails. */
    @Override
    public FinishFunc beginCreate(ObjectNode svc) {
        Claims claims = new Claims();
        try {
            ObjectNode spec = Json.obj(svc, "spec");
            if (!spec.path("type").asText().equals("ExternalName")) {
                allocateClusterIP(svc, spec, claims);
                spec.putArray("ipFamilies").add("IPv4");
                spec.put("ipFamilyPolicy", "SingleStack");
            }
            allocateNodePorts(svc, spec, null, claims);
        } catch (RuntimeException e) {
            claims.releaseAll();
            throw e;
        }
        return success -> {
            if (!success) {
                claims.releaseAll();
            }
        };
    }

    /** An update claims node ports it newly needs, and releases those it no longer has once written. */
    @Override
    public FinishFunc beginUpdate(ObjectNode svc, ObjectNode old) {
        Claims claims = new Claims();
        allocateNodePorts(svc, Json.obj(svc, "spec"), old.path("spec"), claims);
        java.util.Set<Integer> kept = allNodePorts(svc.path("spec"));
        return success -> {
            if (!success) {
                claims.releaseAll();
            } else {
                allNodePorts(old.path("spec")).stream().filter(p -> !kept.contains(p)).forEach(nodePorts::release);
            }
        };
    }

    /** The claims one write made so far, so a failure can give back exactly those. */
    private final class Claims {
        private final List<Runnable> undo = new ArrayList<>();

        void releaseAll() {
            undo.forEach(Runnable::run);
            undo.clear();
        }
    }

    private void allocateClusterIP(ObjectNode svc, ObjectNode spec, Claims claims) {
        String ip = spec.path("clusterIP").asText("");
        if (ip.equals("None")) {
            setIps(spec, "None");
            return;
        }
        String owner = owner(svc);
        if (!ip.isEmpty()) {
            if (!ips.allocate(ip, owner)) {
                throw StatusError.invalid("", "Service", svc.path("metadata").path("name").asText(), List.of(
                        Validation.invalid("spec.clusterIPs", ip, "failed to allocate IP " + ip + ": provided IP is already allocated")));
            }
        } else {
            ip = ips.allocateNext(owner);
            if (ip == null) {
                throw StatusError.internal("failed to allocate a serviceIP: range is full");
            }
        }
        String claimed = ip;
        claims.undo.add(() -> ips.release(claimed));
        setIps(spec, ip);
    }

    private void allocateNodePorts(ObjectNode svc, ObjectNode spec, JsonNode oldSpec, Claims claims) {
        if (!needsNodePorts(spec)) {
            return;
        }
        java.util.Set<Integer> held = oldSpec == null ? java.util.Set.of() : allNodePorts(oldSpec);
        JsonNode ports = spec.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode port = (ObjectNode) ports.get(i);
            if (port.has("nodePort")) {
                claimExplicit(svc, port.path("nodePort").asInt(), "spec.ports[" + i + "].nodePort", held, claims);
            } else {
                port.put("nodePort", claimNext(svc, claims));
            }
        }
        if (needsHealthCheckNodePort(spec)) {
            if (spec.has("healthCheckNodePort")) {
                claimExplicit(svc, spec.path("healthCheckNodePort").asInt(), "spec.healthCheckNodePort", held, claims);
            } else {
                spec.put("healthCheckNodePort", claimNext(svc, claims));
            }
        }
    }

    private void claimExplicit(ObjectNode svc, int port, String field, java.util.Set<Integer> held, Claims claims) {
        if (held.contains(port)) {
            return; // this service already holds it
        }
        if (!nodePorts.allocate(port, owner(svc))) {
            throw StatusError.invalid("", "Service", svc.path("metadata").path("name").asText(), List.of(
                    Validation.invalid(field, port, "provided port is already allocated")));
        }
        claims.undo.add(() -> nodePorts.release(port));
    }

    private int claimNext(ObjectNode svc, Claims claims) {
        int port = nodePorts.allocateNext(owner(svc));
        if (port < 0) {
            throw StatusError.internal("failed to allocate a nodePort: range is full");
        }
        claims.undo.add(() -> nodePorts.release(port));
        return port;
    }

    static java.util.Set<Integer> allNodePorts(JsonNode spec) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        spec.path("ports").forEach(p -> {
            if (p.has("nodePort")) {
                out.add(p.path("nodePort").asInt());
            }
        });
        if (spec.has("healthCheckNodePort")) {
            out.add(spec.path("healthCheckNodePort").asInt());
        }
        return out;
    }

    private static String owner(ObjectNode svc) {
        return svc.path("metadata").path("namespace").asText() + "/" + svc.path("metadata").path("name").asText();
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
        allNodePorts(svc.path("spec")).forEach(nodePorts::release);
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
