package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The LimitRanger admission plugin (upstream {@code plugin/pkg/admission/limitranger}): the
 * namespace's LimitRanges first fill in what a new pod's containers leave out (limits from
 * {@code default}, requests from {@code defaultRequest}, else from the limit), noting it in the
 * annotation {@code kubernetes.io/limit-ranger}; then refuse a container, a pod (the sum of its
 * containers) or a PersistentVolumeClaim outside {@code min}/{@code max}, or whose limit is more
 * than {@code maxLimitRequestRatio} times its request.
 */
public final class LimitRanger implements AdmissionPlugin {
    static final String ANNOTATION = "kubernetes.io/limit-ranger";

    private final Function<String, List<ObjectNode>> limitRanges;

    /** @param limitRanges the LimitRanges of a namespace */
    public LimitRanger(Function<String, List<ObjectNode>> limitRanges) {
        this.limitRanges = limitRanges;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.resource().group().isEmpty() || !a.mainResource() || !a.operation().equals("CREATE") || a.object() == null) {
            return;
        }
        boolean pod = a.resource().plural().equals("pods");
        boolean claim = a.resource().plural().equals("persistentvolumeclaims");
        if (!pod && !claim) {
            return;
        }
        for (ObjectNode range : limitRanges.apply(a.namespace())) {
            for (JsonNode item : range.path("spec").path("limits")) {
                String type = item.path("type").asText();
                if (pod && type.equals("Container")) {
                    containers(a, item);
                } else if (pod && type.equals("Pod")) {
                    checkBounds(a, "Pod", sum(a.object(), "requests"), sum(a.object(), "limits"), item);
                } else if (claim && type.equals("PersistentVolumeClaim")) {
                    JsonNode requests = a.object().path("spec").path("resources").path("requests");
                    checkBounds(a, "PersistentVolumeClaim", quantities(requests), quantities(a.object().path("spec").path("resources").path("limits")), item);
                }
            }
        }
    }

    private void containers(Attributes a, JsonNode item) {
        List<String> notes = new ArrayList<>();
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : a.object().path("spec").path(list)) {
                ObjectNode resources = Json.obj((ObjectNode) c, "resources");
                String name = c.path("name").asText();
                TreeSet<String> setRequests = new TreeSet<>();
                TreeSet<String> setLimits = new TreeSet<>();
                item.path("default").fieldNames().forEachRemaining(r -> {
                    if (!resources.path("limits").has(r)) {
                        Json.obj(resources, "limits").put(r, item.path("default").path(r).asText());
                        setLimits.add(r);
                    }
                });
                JsonNode defaultRequest = item.has("defaultRequest") ? item.get("defaultRequest") : item.path("default");
                defaultRequest.fieldNames().forEachRemaining(r -> {
                    if (!resources.path("requests").has(r)) {
                        Json.obj(resources, "requests").put(r, defaultRequest.path(r).asText());
                        setRequests.add(r);
                    }
                });
                if (!setRequests.isEmpty()) {
                    notes.add(String.join(", ", setRequests) + " request for " + (list.equals("containers") ? "" : "init ") + "container " + name);
                }
                if (!setLimits.isEmpty()) {
                    notes.add(String.join(", ", setLimits) + " limit for " + (list.equals("containers") ? "" : "init ") + "container " + name);
                }
                checkBounds(a, "Container", quantities(resources.path("requests")), quantities(resources.path("limits")), item);
            }
        }
        if (!notes.isEmpty()) {
            Json.obj(Json.metadata(a.object()), "annotations").put(ANNOTATION, "LimitRanger plugin set: " + String.join("; ", notes));
        }
    }

    /** min <= request, limit <= max, limit / request <= maxLimitRequestRatio, in upstream's words when not. */
    private static void checkBounds(Attributes a, String kind, Map<String, BigDecimal> requests, Map<String, BigDecimal> limits, JsonNode item) {
        List<String> problems = new ArrayList<>();
        each(item.path("min"), (r, min) -> {
            BigDecimal request = requests.get(r);
            if (request == null) {
                problems.add("minimum " + r + " usage per " + kind + " is " + min + ".  No request is specified");
            } else if (request.compareTo(amount(min)) < 0) {
                problems.add("minimum " + r + " usage per " + kind + " is " + min + ", but request is " + show(request));
            }
        });
        each(item.path("max"), (r, max) -> {
            BigDecimal limit = limits.get(r);
            if (limit == null) {
                problems.add("maximum " + r + " usage per " + kind + " is " + max + ".  No limit is specified");
            } else if (limit.compareTo(amount(max)) > 0) {
                problems.add("maximum " + r + " usage per " + kind + " is " + max + ", but limit is " + show(limit));
            }
        });
        each(item.path("maxLimitRequestRatio"), (r, ratio) -> {
            BigDecimal limit = limits.get(r);
            BigDecimal request = requests.get(r);
            if (limit != null && request != null && request.signum() > 0
                    && limit.divide(request, 6, java.math.RoundingMode.HALF_UP).compareTo(amount(ratio)) > 0) {
                problems.add(r + " max limit to request ratio per " + kind + " is " + ratio + ", but provided ratio is "
                        + show(limit.divide(request, 6, java.math.RoundingMode.HALF_UP)));
            }
        });
        if (!problems.isEmpty()) {
            throw StatusError.forbiddenOn(a.resource().group(), a.resource().plural(), a.name(), String.join(", ", problems));
        }
    }

    private static void each(JsonNode map, java.util.function.BiConsumer<String, String> f) {
        for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
            String r = it.next();
            f.accept(r, map.path(r).asText());
        }
    }

    private static Map<String, BigDecimal> sum(ObjectNode pod, String kind) {
        Map<String, BigDecimal> total = new java.util.HashMap<>();
        for (JsonNode c : pod.path("spec").path("containers")) {
            quantities(c.path("resources").path(kind)).forEach((r, q) -> total.merge(r, q, BigDecimal::add));
        }
        return total;
    }

    private static Map<String, BigDecimal> quantities(JsonNode map) {
        Map<String, BigDecimal> out = new java.util.HashMap<>();
        each(map, (r, q) -> out.put(r, amount(q)));
        return out;
    }

    private static BigDecimal amount(String quantity) {
        return Quantity.getAmountInBytes(new Quantity(quantity));
    }

    private static String show(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }
}
