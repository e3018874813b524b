package io.kubej.kubelet.nodestatus;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the Node object the kubelet registers and the status it reports (upstream
 * pkg/kubelet/nodestatus/setters.go): addresses, capacity/allocatable, nodeInfo and the
 * Ready/MemoryPressure/DiskPressure/PIDPressure conditions.
 */
public final class NodeStatusSetters {
    public static final String KUBELET_VERSION = "v1.32.0-kubej";

    /** What the status is made of; {@code runtimeVersion} e.g. {@code containerd://1.6.20}. */
    public record NodeFacts(String nodeName, String nodeIP, String podCIDR, int maxPods, String runtimeVersion) {
    }

    private NodeStatusSetters() {
    }

    /** The Node to create at registration: name, the well-known labels, spec.podCIDR(s), and a first status. */
    public static Node initialNode(NodeFacts facts, boolean runtimeReady) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(facts.nodeName())
                .addToLabels("kubernetes.io/hostname", facts.nodeName())
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("kubernetes.io/arch", "amd64")
                .addToLabels("beta.kubernetes.io/os", "linux")
                .addToLabels("beta.kubernetes.io/arch", "amd64")
                .endMetadata()
                .withNewSpec().endSpec();
        if (facts.podCIDR() != null && !facts.podCIDR().isEmpty()) {
            b.editSpec().withPodCIDR(facts.podCIDR()).withPodCIDRs(facts.podCIDR()).endSpec();
        }
        return b.withStatus(status(facts, runtimeReady, null)).build();
    }

    /** The current status; conditions keep their lastTransitionTime from {@code previous} when unchanged. */
    /** The node's capacity, which is also its allocatable (kubej reserves nothing for the system). */
    public static Map<String, Quantity> capacity(int maxPods) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())));
        capacity.put("memory", new Quantity(memTotalKi() + "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(maxPods)));
        capacity.put("ephemeral-storage", new Quantity(diskKi() + "Ki"));
        return capacity;
    }

    public static NodeStatus status(NodeFacts facts, boolean runtimeReady, NodeStatus previous) {
        String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        Map<String, Quantity> capacity = capacity(facts.maxPods());

        List<NodeAddress> addresses = new ArrayList<>();
        if (facts.nodeIP() != null) {
            addresses.add(new NodeAddress(facts.nodeIP(), "InternalIP"));
        }
        addresses.add(new NodeAddress(facts.nodeName(), "Hostname"));

        NodeSystemInfo info = new NodeSystemInfo();
        info.setArchitecture("amd64");
        info.setOperatingSystem("linux");
        info.setKubeletVersion(KUBELET_VERSION);
        info.setKubeProxyVersion(KUBELET_VERSION);
        info.setContainerRuntimeVersion(facts.runtimeVersion());
        info.setKernelVersion(read("/proc/sys/kernel/osrelease"));
        info.setOsImage(osImage());
        info.setMachineID(read("/etc/machine-id"));
        info.setSystemUUID(read("/etc/machine-id"));
        info.setBootID(read("/proc/sys/kernel/random/boot_id"));

        List<NodeCondition> conditions = List.of(
                condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", now),
                condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", now),
                condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", now),
                runtimeReady
                        ? condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status", now)
                        : condition(previous, "Ready", "False", "KubeletNotReady", "container runtime is not ready", now));

        NodeStatus status = new NodeStatus();
        status.setCapacity(capacity);
        status.setAllocatable(new LinkedHashMap<>(capacity));
        status.setAddresses(addresses);
        status.setNodeInfo(info);
        status.setConditions(conditions);
        status.setDaemonEndpoints(new io.fabric8.kubernetes.api.model.NodeDaemonEndpointsBuilder()
                .withNewKubeletEndpoint().withPort(10250).endKubeletEndpoint().build());
        return status;
    }

    private static NodeCondition condition(NodeStatus previous, String type, String status, String reason, String message, String now) {
        String since = now;
        if (previous != null && previous.getConditions() != null) {
            for (NodeCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now).withLastTransitionTime(since).build();
    }

    static long memTotalKi() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D+", ""));
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return 0;
    }

    static long diskKi() {
        try {
            return Files.getFileStore(Path.of("/var/lib")).getTotalSpace() / 1024;
        } catch (IOException e) {
            return 0;
        }
    }

    static String osImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "Linux";
    }

    static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
