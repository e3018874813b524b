package io.kubej.kubelet.fieldpath;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The downward API's values (upstream pkg/fieldpath and kubelet_pods.go podFieldSelectorRuntimeValue,
 * pkg/api/v1/resource containerResourceToString): what a {@code fieldRef} or
 * {@code resourceFieldRef} in an env var or a downwardAPI volume item reads.
 */
public final class FieldPath {
    private FieldPath() {
    }

    /** The pod's runtime addresses, which the pod object may not show yet when a container starts. */
    public record PodAddresses(String podIP, String hostIP) {
    }

    /**
     * A fieldRef's value; throws IllegalArgumentException for a path upstream does not support.
     * {@code metadata.labels} and {@code metadata.annotations} as a whole (downwardAPI volumes only)
     * are lines of {@code key="value"} sorted by key.
     */
    public static String extract(Pod pod, String path, PodAddresses addresses) {
        var meta = pod.getMetadata();
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            return Objects.requireNonNullElse(meta.getLabels(), Map.<String, String>of()).getOrDefault(key(path), "");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            return Objects.requireNonNullElse(meta.getAnnotations(), Map.<String, String>of()).getOrDefault(key(path), "");
        }
        return switch (path) {
            case "metadata.name" -> meta.getName();
            case "metadata.namespace" -> meta.getNamespace();
            case "metadata.uid" -> meta.getUid();
            case "metadata.labels" -> formatMap(meta.getLabels());
            case "metadata.annotations" -> formatMap(meta.getAnnotations());
            case "spec.nodeName" -> Objects.requireNonNullElse(pod.getSpec().getNodeName(), "");
            case "spec.serviceAccountName" -> Objects.requireNonNullElse(pod.getSpec().getServiceAccountName(), "");
            case "status.podIP", "status.podIPs" -> Objects.requireNonNullElse(addresses.podIP(), "");
            case "status.hostIP", "status.hostIPs" -> Objects.requireNonNullElse(addresses.hostIP(), "");
            default -> throw new IllegalArgumentException("unsupported fieldPath: " + path);
        };
    }

    private static String key(String path) {
        return path.substring(path.indexOf("['") + 2, path.length() - 2);
    }

    private static String formatMap(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(Objects.requireNonNullElse(map, Map.<String, String>of())).forEach((k, v) ->
                b.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"\n"));
        return b.toString();
    }

    /**
     * A resourceFieldRef's value: the named container's request or limit for cpu, memory or
     * ephemeral-storage, divided by the divisor and rounded up (cpu in cores unless the divisor
     * says otherwise). A limit the container does not set reads as the node's allocatable.
     */
    public static String resource(Pod pod, String defaultContainer, ResourceFieldSelector ref,
            Supplier<Map<String, Quantity>> nodeAllocatable) {
        String name = ref.getContainerName() == null || ref.getContainerName().isEmpty() ? defaultContainer : ref.getContainerName();
        Container c = pod.getSpec().getContainers().stream().filter(x -> x.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("container " + name + " not found"));
        String resource = ref.getResource();
        int dot = resource.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("unsupported container resource: " + resource);
        }
        String kind = resource.substring(0, dot);
        String what = resource.substring(dot + 1);
        Map<String, Quantity> values = c.getResources() == null ? null
                : kind.equals("limits") ? c.getResources().getLimits() : c.getResources().getRequests();
        Quantity q = values == null ? null : values.get(what);
        if (q == null && kind.equals("limits")) {
            q = nodeAllocatable.get().get(what);
        }
        BigDecimal amount = q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
        BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : Quantity.getAmountInBytes(ref.getDivisor());
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }
}
