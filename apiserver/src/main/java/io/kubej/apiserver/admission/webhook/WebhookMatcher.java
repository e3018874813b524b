package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Whether a request goes to a webhook (upstream {@code generic.Webhook.ShouldCallHook}), in
 * upstream's three steps: its rules cover the request (in the request's version, or with
 * {@code matchPolicy: Equivalent} in another version of the same resource); its
 * namespaceSelector matches the labels of the object's namespace; its objectSelector matches
 * the labels of the object or of the old object. The webhook configurations themselves are
 * never sent to webhooks, so a broken webhook can always be removed.
 */
public final class WebhookMatcher {
    /** The kinds that configure admission; a webhook on them could lock the cluster out of fixing it. */
    static final Set<String> EXEMPT = Set.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations",
            "validatingadmissionpolicies", "validatingadmissionpolicybindings");

    /** Reads a stored object (from the watch cache). */
    @FunctionalInterface
    public interface ObjectReader {
        Optional<ObjectNode> read(Resource resource, String namespace, String name);
    }

    private final Function<String, Optional<ObjectNode>> namespaces;
    private final Supplier<? extends Collection<Resource>> served;
    private final ObjectReader objects;

    /**
     * @param namespaces reads a Namespace by name
     * @param served     every resource the server serves now, to find a resource's other versions
     * @param objects    reads the object a DELETE is about
     */
    public WebhookMatcher(Function<String, Optional<ObjectNode>> namespaces, Supplier<? extends Collection<Resource>> served,
                          ObjectReader objects) {
        this.namespaces = namespaces;
        this.served = served;
        this.objects = objects;
    }

    /** The webhooks whose rules cover the request, in their order; none for the exempt kinds. */
    public List<Invocation> candidates(List<Webhook> hooks, Attributes a) {
        if (exempt(a)) {
            return List.of();
        }
        List<Invocation> out = new ArrayList<>();
        hooks.forEach(h -> byRules(h, a).ifPresent(out::add));
        return out;
    }

    /**
     * The old object webhooks see: an update's current object, or the object a DELETE removes
     * (kubej's handlers admit a delete by name only, upstream passes the object).
     */
    public ObjectNode oldObject(Attributes a) {
        if (a.oldObject() != null || !a.operation().equals("DELETE") || a.name() == null || a.name().isEmpty()) {
            return a.oldObject();
        }
        return objects.read(a.resource(), a.namespace(), a.name()).orElse(null);
    }

    /** Requests for the admission configuration kinds skip every webhook. */
    public static boolean exempt(Attributes a) {
        return a.resource().group().equals("admissionregistration.k8s.io") && EXEMPT.contains(a.resource().plural());
    }

    /** Step 1: the version in which the webhook's rules cover this request, if any. */
    public Optional<Invocation> byRules(Webhook hook, Attributes a) {
        Resource r = a.resource();
        if (Rules.anyMatches(hook.rules(), request(a, r))) {
            return Optional.of(new Invocation(hook, r));
        }
        if (!hook.matchPolicy().equals("Equivalent")) {
            return Optional.empty();
        }
        // the same resource served in another version: the same objects, so an equivalent request
        for (Resource other : served.get()) {
            boolean sameResource = other.group().equals(r.group()) && other.plural().equals(r.plural())
                    && !other.version().equals(r.version()) && other.etcdResource().equals(r.etcdResource());
            if (sameResource && Rules.anyMatches(hook.rules(), request(a, other))) {
                return Optional.of(new Invocation(hook, other));
            }
        }
        return Optional.empty();
    }

    private static Rules.Request request(Attributes a, Resource version) {
        return new Rules.Request(a.operation(), version.group(), version.version(), version.plural(),
                a.subresource() == null ? "" : a.subresource(), version.namespaced());
    }

    /**
     * Steps 2 and 3, with the object as it is now (an earlier mutating webhook may have changed
     * it) and the old object (an update's current one, a delete's object).
     */
    public boolean bySelectors(Webhook hook, Attributes a, ObjectNode object, ObjectNode oldObject) {
        return namespaceSelected(hook, a, object, oldObject) && objectSelected(hook, object, oldObject);
    }

    /**
     * A namespaced object is judged by its namespace's labels; a Namespace by its own; any
     * other cluster-scoped object is never skipped.
     */
    private boolean namespaceSelected(Webhook hook, Attributes a, ObjectNode object, ObjectNode oldObject) {
        if (hook.namespaceSelector().isEmpty()) {
            return true;
        }
        Resource r = a.resource();
        if (r.group().isEmpty() && r.plural().equals("namespaces")) {
            ObjectNode ns = object != null ? object : oldObject;
            return ns != null && hook.namespaceSelector().matches(labels(ns));
        }
        if (!r.namespaced()) {
            return true;
        }
        // upstream answers an unknown namespace with an internal error, not a silent skip
        ObjectNode ns = namespaces.apply(a.namespace()).orElseThrow(() -> StatusError.internal(
                "namespace \"" + a.namespace() + "\" not found while matching webhook \"" + hook.name() + "\""));
        return hook.namespaceSelector().matches(labels(ns));
    }

    /** Either the new or the old object matching is enough, so a webhook also sees labels being removed. */
    private static boolean objectSelected(Webhook hook, ObjectNode object, ObjectNode oldObject) {
        if (hook.objectSelector().isEmpty()) {
            return true;
        }
        return (object != null && hook.objectSelector().matches(labels(object)))
                || (oldObject != null && hook.objectSelector().matches(labels(oldObject)));
    }

    private static JsonNode labels(ObjectNode o) {
        return o.path("metadata").path("labels");
    }
}
