package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.Store;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ResourceQuota admission plugin (upstream {@code plugin/pkg/admission/resourcequota}): a
 * create that would take a namespace past one of its ResourceQuotas' {@code spec.hard} is
 * refused with upstream's message, {@code exceeded quota: <quota>, requested: pods=1, used:
 * pods=2, limited: pods=2}; an admitted one is added to the quota's {@code status.used}, so
 * {@code kubectl describe quota} shows it.
 *
 * <p>Counted: object counts ({@code pods}, {@code services}, {@code configmaps}, {@code secrets},
 * {@code persistentvolumeclaims}, {@code replicationcontrollers}, {@code resourcequotas},
 * {@code services.nodeports}, {@code services.loadbalancers}, {@code count/<resource>.<group>})
 * and the pods' compute requests and limits ({@code requests.cpu}, {@code cpu},
 * {@code requests.memory}, {@code memory}, {@code limits.cpu}, {@code limits.memory}).
 *
 * <p>kubej differs in one place: upstream trusts {@code status.used}, which the controller
 * manager's quota controller recomputes; kubej has no quota controller yet, so the usage is
 * counted from storage at each check (deleted objects free their share at once), and the
 * quota's status is written in the same step with optimistic concurrency. Quotas with
 * {@code scopes} or a {@code scopeSelector} are not enforced and say so in the log.
 */
public final class ResourceQuotaAdmission implements AdmissionPlugin {
    private static final Logger log = LoggerFactory.getLogger(ResourceQuotaAdmission.class);
    private static final Map<String, String> COUNTED = Map.of("pods", "pods", "services", "services", "configmaps", "configmaps",
            "secrets", "secrets", "persistentvolumeclaims", "persistentvolumeclaims",
            "replicationcontrollers", "replicationcontrollers", "resourcequotas", "resourcequotas");

    private final Store quotas;
    /** A store by group and plural, to count what a namespace holds. */
    private final BiFunction<String, String, Store> stores;

    public ResourceQuotaAdmission(Store quotas, BiFunction<String, String, Store> stores) {
        this.quotas = quotas;
        this.stores = stores;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.operation().equals("CREATE") || !a.mainResource() || !a.resource().namespaced() || a.object() == null) {
            return;
        }
        List<ObjectNode> inNamespace = quotas.list(a.namespace(), ListOptions.everythingFromCache()).items();
        for (ObjectNode quota : inNamespace) {
            if (quota.path("spec").has("scopes") || quota.path("spec").has("scopeSelector")) {
                log.warn("ResourceQuota {}/{} has scopes, which kubej does not enforce yet", a.namespace(), quota.path("metadata").path("name").asText());
                continue;
            }
            Map<String, BigDecimal> delta = usage(a.resource(), a.object(), quota.path("spec").path("hard"), true);
            if (!delta.isEmpty()) {
                charge(a, quota.path("metadata").path("name").asText(), delta);
            }
        }
    }

    /** Checks the quota against counted usage plus this object, and records the new usage, in one optimistic update. */
    private void charge(Attributes a, String quotaName, Map<String, BigDecimal> delta) {
        quotas.update(a.namespace(), quotaName, Store.UpdateScope.STATUS, a.dryRun(), quota -> {
            JsonNode hard = quota.path("spec").path("hard");
            Map<String, BigDecimal> used = used(a.namespace(), quota, hard);
            List<String> requested = new ArrayList<>();
            List<String> usedNow = new ArrayList<>();
            List<String> limited = new ArrayList<>();
            delta.forEach((name, amount) -> {
                BigDecimal limit = Quantity.getAmountInBytes(new Quantity(hard.path(name).asText()));
                BigDecimal current = used.getOrDefault(name, BigDecimal.ZERO);
                if (current.add(amount).compareTo(limit) > 0) {
                    requested.add(name + "=" + show(amount));
                    usedNow.add(name + "=" + show(current));
                    limited.add(name + "=" + hard.path(name).asText());
                }
            });
            if (!requested.isEmpty()) {
                throw StatusError.forbiddenOn(a.resource().group(), a.resource().plural(), a.name(), "exceeded quota: " + quotaName
                        + ", requested: " + String.join(",", requested) + ", used: " + String.join(",", usedNow)
                        + ", limited: " + String.join(",", limited));
            }
            ObjectNode next = quota.deepCopy();
            // no resourceVersion precondition: a quota status written meanwhile (a concurrent create's
            // charge, the quota controller's recount) makes the store retry this on the fresh object
            Json.metadata(next).remove("resourceVersion");
            ObjectNode status = next.putObject("status");
            status.set("hard", hard.deepCopy());
            ObjectNode usedNode = status.putObject("used");
            hard.fieldNames().forEachRemaining(name -> usedNode.put(name,
                    show(used.getOrDefault(name, BigDecimal.ZERO).add(delta.getOrDefault(name, BigDecimal.ZERO)))));
            return next;
        });
    }

    /**
     * What one object adds to each of the quota's limited resources (only those it limits).
     *
     * @param strict a new pod must say what a compute quota limits (refused otherwise); one already stored counts 0 for it
     */
    static Map<String, BigDecimal> usage(Resource resource, ObjectNode object, JsonNode hard, boolean strict) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        String plural = resource.plural();
        String group = resource.group();
        if (group.isEmpty() && COUNTED.containsKey(plural) && hard.has(plural) && !terminal(resource, object)) {
            out.put(plural, BigDecimal.ONE);
        }
        String count = "count/" + (group.isEmpty() ? plural : plural + "." + group);
        if (hard.has(count)) {
            out.put(count, BigDecimal.ONE);
        }
        if (group.isEmpty() && plural.equals("services")) {
            String type = object.path("spec").path("type").asText("ClusterIP");
            int ports = object.path("spec").path("ports").size();
            if (hard.has("services.nodeports") && (type.equals("NodePort") || type.equals("LoadBalancer"))) {
                out.put("services.nodeports", BigDecimal.valueOf(ports));
            }
            if (hard.has("services.loadbalancers") && type.equals("LoadBalancer")) {
                out.put("services.loadbalancers", BigDecimal.ONE);
            }
        }
        if (group.isEmpty() && plural.equals("pods") && !terminal(resource, object)) {
            for (String name : List.of("requests.cpu", "cpu", "requests.memory", "memory", "limits.cpu", "limits.memory")) {
                if (hard.has(name)) {
                    out.put(name, podCompute(object, name, strict));
                }
            }
        }
        return out;
    }

    private static boolean terminal(Resource resource, ObjectNode o) {
        String phase = o.path("status").path("phase").asText("");
        return resource.plural().equals("pods") && (phase.equals("Succeeded") || phase.equals("Failed"));
    }

    /** The sum over the pod's containers; a container that does not say is refused, as upstream. */
    private static BigDecimal podCompute(ObjectNode pod, String name, boolean strict) {
        String kind = name.startsWith("limits.") ? "limits" : "requests";
        String resourceName = name.contains(".") ? name.substring(name.indexOf('.') + 1) : name;
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode c : pod.path("spec").path("containers")) {
            JsonNode q = c.path("resources").path(kind).path(resourceName);
            if (q.isMissingNode() && kind.equals("requests")) {
                q = c.path("resources").path("limits").path(resourceName); // requests default to limits
            }
            if (q.isMissingNode() && !strict) {
                continue;
            }
            if (q.isMissingNode()) {
                throw StatusError.forbiddenOn("", "pods", pod.path("metadata").path("name").asText(), "failed quota: must specify " + name);
            }
            sum = sum.add(Quantity.getAmountInBytes(new Quantity(q.asText())));
        }
        return sum;
    }

    /**
     * Current usage of each limited resource, counted from what the namespace holds now: each
     * store listed once, each object's usage computed once. An object admitted before the quota
     * may lack a request the quota limits; it counts as zero there, as upstream's evaluator does.
     */
    /**
     * What the quota has used so far: its status.used, as upstream's admission reads it (each
     * charge is a read-modify-write of that status, so concurrent creates are serialized by the
     * store's retries and each counts once); the resourcequota controller recounts it and gives
     * back what deleted objects held. A resource the status does not list yet (a new quota, or no
     * controller running) is counted from storage.
     */
    private Map<String, BigDecimal> used(String namespace, JsonNode quota, JsonNode hard) {
        JsonNode status = quota.path("status").path("used");
        Map<String, BigDecimal> used = new LinkedHashMap<>();
        boolean complete = true;
        for (var it = hard.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (status.hasNonNull(name)) {
                used.put(name, Quantity.getAmountInBytes(new Quantity(status.get(name).asText())));
            } else {
                complete = false;
            }
        }
        if (!complete) {
            countUsed(namespace, hard).forEach(used::putIfAbsent);
        }
        return used;
    }

    private Map<String, BigDecimal> countUsed(String namespace, JsonNode hard) {
        Map<String, List<String>> namesByStore = new LinkedHashMap<>();
        hard.fieldNames().forEachRemaining(name -> {
            String[] groupResource = storeOf(name);
            if (groupResource != null) {
                namesByStore.computeIfAbsent(groupResource[0] + "/" + groupResource[1], k -> new ArrayList<>()).add(name);
            }
        });
        Map<String, BigDecimal> used = new LinkedHashMap<>();
        namesByStore.forEach((groupResource, names) -> {
            names.forEach(n -> used.put(n, BigDecimal.ZERO));
            String[] gr = groupResource.split("/", 2);
            Store store = stores.apply(gr[0], gr[1]);
            Resource r = store.resource();
            for (ObjectNode o : store.list(namespace, ListOptions.everything()).items()) {
                if (o.path("metadata").has("deletionTimestamp") && r.plural().equals("pods")) {
                    continue;
                }
                Map<String, BigDecimal> counted = usage(r, o, hard, false);
                names.forEach(n -> used.merge(n, counted.getOrDefault(n, BigDecimal.ZERO), BigDecimal::add));
            }
        });
        return used;
    }

    /** Which store a quota resource name counts: {group, plural}, or null if kubej does not count it. */
    private static String[] storeOf(String name) {
        if (COUNTED.containsKey(name)) {
            return new String[] {"", name};
        }
        if (name.startsWith("services.")) {
            return new String[] {"", "services"};
        }
        if (List.of("requests.cpu", "cpu", "requests.memory", "memory", "limits.cpu", "limits.memory").contains(name)) {
            return new String[] {"", "pods"};
        }
        if (name.startsWith("count/")) {
            String gr = name.substring("count/".length());
            int dot = gr.indexOf('.');
            return dot < 0 ? new String[] {"", gr} : new String[] {gr.substring(dot + 1), gr.substring(0, dot)};
        }
        return null;
    }

    private static String show(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }
}
