package io.kubej.controller.resourcequota;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.kubej.controller.PodUtil;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a namespace uses of each resource a quota limits (upstream: pkg/quota/v1/evaluator/core,
 * the pods, services and PVC evaluators plus the generic object counter). Pure: the caller
 * hands in the namespace's objects.
 *
 * <ul>
 *   <li>{@code pods}, {@code count/pods}: pods not finished (Succeeded/Failed) and not past their deletion grace period.</li>
 *   <li>{@code requests.cpu} (or {@code cpu}), {@code requests.memory} (or {@code memory}),
 *       {@code limits.cpu}, {@code limits.memory}: over those pods, each pod's effective amount,
 *       the larger of its containers' sum and its largest init container, plus its overhead.</li>
 *   <li>{@code services}, {@code services.nodeports} (ports of NodePort and LoadBalancer
 *       Services), {@code services.loadbalancers}; {@code persistentvolumeclaims},
 *       {@code requests.storage}; any other {@code <resource>} or {@code count/<resource>[.<group>]}:
 *       the number of such objects.</li>
 * </ul>
 */
public final class QuotaUsage {
    private static final BigDecimal KI = BigDecimal.valueOf(1024);

    private QuotaUsage() {
    }

    /** The objects of one namespace the usage is counted from. */
    public interface Namespace {
        List<Pod> pods();

        List<Service> services();

        List<PersistentVolumeClaim> persistentVolumeClaims();

        /** How many objects of {@code resource} ({@code configmaps}, {@code deployments.apps}) the namespace holds. */
        int count(String resource);
    }

    /** {@code status.used} for an unscoped quota limiting {@code hard}: each limited resource, 0 when nothing uses it. */
    public static Map<String, String> used(Set<String> hard, Namespace ns, Instant now) {
        return used(hard, List.of(), ns, now);
    }

    /**
     * The same for a quota with {@code spec.scopes}: only pods every scope matches are counted
     * (Terminating: with {@code activeDeadlineSeconds}; NotTerminating: without; BestEffort: no
     * container requests or limits anything; NotBestEffort: some container does). Upstream's
     * validation allows only pod resources under these scopes.
     */
    public static Map<String, String> used(Set<String> hard, List<String> scopes, Namespace ns, Instant now) {
        Map<String, String> out = new LinkedHashMap<>();
        List<Pod> pods = null;
        for (String name : hard.stream().sorted().toList()) {
            BigDecimal amount;
            switch (name) {
                case "pods", "count/pods" -> {
                    pods = pods != null ? pods : inScopes(countedPods(ns.pods(), now), scopes);
                    amount = BigDecimal.valueOf(pods.size());
                }
                case "requests.cpu", "cpu", "requests.memory", "memory", "limits.cpu", "limits.memory",
                     "requests.ephemeral-storage", "ephemeral-storage", "limits.ephemeral-storage" -> {
                    pods = pods != null ? pods : inScopes(countedPods(ns.pods(), now), scopes);
                    amount = BigDecimal.ZERO;
                    for (Pod pod : pods) {
                        amount = amount.add(podAmount(pod, name));
                    }
                }
                case "services", "count/services" -> amount = BigDecimal.valueOf(ns.services().size());
                case "services.nodeports" -> amount = BigDecimal.valueOf(ns.services().stream()
                        .filter(s -> "NodePort".equals(s.getSpec().getType()) || "LoadBalancer".equals(s.getSpec().getType()))
                        .mapToInt(s -> s.getSpec().getPorts() == null ? 0 : s.getSpec().getPorts().size()).sum());
                case "services.loadbalancers" -> amount = BigDecimal.valueOf(ns.services().stream()
                        .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).count());
                case "persistentvolumeclaims", "count/persistentvolumeclaims" -> amount = BigDecimal.valueOf(ns.persistentVolumeClaims().size());
                case "requests.storage" -> {
                    amount = BigDecimal.ZERO;
                    for (PersistentVolumeClaim pvc : ns.persistentVolumeClaims()) {
                        Map<String, Quantity> requests = pvc.getSpec().getResources() == null ? null : pvc.getSpec().getResources().getRequests();
                        if (requests != null && requests.get("storage") != null) {
                            amount = amount.add(Quantity.getAmountInBytes(requests.get("storage")));
                        }
                    }
                }
                default -> {
                    String resource = name.startsWith("count/") ? name.substring("count/".length()) : name;
                    if (!name.startsWith("count/") && name.contains(".")) {
                        continue; // a resource kubej does not count (hugepages, extended resources, ...)
                    }
                    amount = BigDecimal.valueOf(ns.count(resource));
                }
            }
            out.put(name, format(name, amount));
        }
        return out;
    }

    /** Upstream's QuotaV1Pod: a pod counts until it finishes or its deletion grace period is over. */
    static List<Pod> countedPods(List<Pod> pods, Instant now) {
        return pods.stream().filter(p -> {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                return false;
            }
            Instant deleted = PodUtil.parseTime(p.getMetadata().getDeletionTimestamp());
            Long grace = p.getMetadata().getDeletionGracePeriodSeconds();
            return deleted == null || grace == null || !now.isAfter(deleted.plusSeconds(grace));
        }).toList();
    }

    static List<Pod> inScopes(List<Pod> pods, List<String> scopes) {
        return pods.stream().filter(p -> scopes.stream().allMatch(scope -> switch (scope) {
            case "Terminating" -> p.getSpec().getActiveDeadlineSeconds() != null;
            case "NotTerminating" -> p.getSpec().getActiveDeadlineSeconds() == null;
            case "BestEffort" -> isBestEffort(p);
            case "NotBestEffort" -> !isBestEffort(p);
            default -> true; // PriorityClass and CrossNamespacePodAffinity (scopeSelector) are not told apart by kubej
        })).toList();
    }

    /** Upstream's QoS class BestEffort: no container (nor init container) requests or limits anything. */
    static boolean isBestEffort(Pod pod) {
        List<Container> all = new java.util.ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        return all.stream().allMatch(c -> c.getResources() == null
                || ((c.getResources().getRequests() == null || c.getResources().getRequests().isEmpty())
                && (c.getResources().getLimits() == null || c.getResources().getLimits().isEmpty())));
    }

    /** One pod's effective request or limit of {@code name} (upstream's PodRequests / PodLimits). */
    static BigDecimal podAmount(Pod pod, String name) {
        boolean limits = name.startsWith("limits.");
        String resource = name.contains(".") ? name.substring(name.indexOf('.') + 1) : name;
        BigDecimal sum = BigDecimal.ZERO;
        for (Container c : pod.getSpec().getContainers()) {
            sum = sum.add(amount(c, resource, limits));
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                sum = sum.max(amount(c, resource, limits));
            }
        }
        if (pod.getSpec().getOverhead() != null && pod.getSpec().getOverhead().get(resource) != null) {
            sum = sum.add(Quantity.getAmountInBytes(pod.getSpec().getOverhead().get(resource)));
        }
        return sum;
    }

    /** A container's request (defaulting to its limit, as the API server defaults it) or limit. */
    private static BigDecimal amount(Container c, String resource, boolean limits) {
        if (c.getResources() == null) {
            return BigDecimal.ZERO;
        }
        Map<String, Quantity> l = c.getResources().getLimits();
        Map<String, Quantity> r = c.getResources().getRequests();
        Quantity q = limits ? (l == null ? null : l.get(resource)) : (r != null && r.get(resource) != null ? r.get(resource)
                : l == null ? null : l.get(resource));
        return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
    }

    /** As kubectl shows quantities: cpu in cores or millicores, memory and storage with a binary suffix when exact, counts as numbers. */
    static String format(String name, BigDecimal amount) {
        if (name.endsWith("cpu")) {
            if (amount.stripTrailingZeros().scale() <= 0) {
                return amount.stripTrailingZeros().toPlainString();
            }
            return amount.movePointRight(3).setScale(0, RoundingMode.CEILING).toPlainString() + "m";
        }
        if (name.endsWith("memory") || name.endsWith("storage")) {
            BigDecimal bytes = amount.setScale(0, RoundingMode.CEILING);
            if (bytes.signum() == 0) {
                return "0";
            }
            String[] suffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
            int i = 0;
            while (i < suffixes.length - 1 && bytes.remainder(KI).signum() == 0) {
                bytes = bytes.divide(KI);
                i++;
            }
            return bytes.toPlainString() + suffixes[i];
        }
        return amount.stripTrailingZeros().toPlainString();
    }
}
