package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.kubej.apiserver.admission.AdmissionPlugin;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.api.StatusError;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The MutatingAdmissionWebhook admission plugin (upstream
 * {@code admission/plugin/webhook/mutating}): the webhooks of every MutatingWebhookConfiguration
 * whose rules and selectors match are asked one after the other, by configuration name and
 * then in the order each configuration lists them. Each may refuse the request or answer a
 * JSON patch, which is applied to the object before the next webhook sees it, so the store
 * keeps what the last one made of it.
 *
 * <p>reinvocationPolicy IfNeeded: a webhook that asked for it is called once more when a later
 * webhook changed the object after it ran (upstream also reinvokes the in-tree mutating
 * plugins then; kubej has none that mutate after this one).
 */
public final class MutatingAdmissionWebhook implements AdmissionPlugin {
    public static final String NAME = "MutatingAdmissionWebhook";

    private final WebhookSource source;
    private final WebhookMatcher matcher;
    private final WebhookCaller caller;

    public MutatingAdmissionWebhook(WebhookSource source, WebhookMatcher matcher, WebhookClient client) {
        this.source = source;
        this.matcher = matcher;
        this.caller = new WebhookCaller(client);
    }

    @Override
    public void admit(Attributes a) {
        List<Invocation> invocations = matcher.candidates(source.webhooks(), a);
        if (invocations.isEmpty()) {
            return;
        }
        ObjectNode old = matcher.oldObject(a);
        Set<Webhook> ranIfNeeded = new LinkedHashSet<>();
        Set<Webhook> toReinvoke = new LinkedHashSet<>();
        for (Invocation invocation : invocations) {
            Webhook hook = invocation.webhook();
            // the selectors see the object as the webhooks before this one left it
            if (!matcher.bySelectors(hook, a, a.object(), old)) {
                continue;
            }
            if (mutate(invocation, a, old)) {
                toReinvoke.addAll(ranIfNeeded); // they saw an object that has changed since
            }
            if (hook.reinvokeIfNeeded()) {
                ranIfNeeded.add(hook);
            }
        }
        // the reinvocation round: once, only the webhooks that asked for it and need it
        for (Invocation invocation : invocations) {
            if (toReinvoke.contains(invocation.webhook()) && matcher.bySelectors(invocation.webhook(), a, a.object(), old)) {
                mutate(invocation, a, old);
            }
        }
    }

    /** Asks one webhook and applies its patch to the request's object; true when the object changed. */
    private boolean mutate(Invocation invocation, Attributes a, ObjectNode old) {
        Optional<AdmissionReview.Response> answer = caller.ask(invocation, a, a.object(), old, true);
        JsonNode patch = answer.map(AdmissionReview.Response::patch).orElse(null);
        if (patch == null || patch.isEmpty()) {
            return false;
        }
        String name = invocation.webhook().name();
        if (a.object() == null) {
            throw StatusError.internal("admission webhook \"" + name + "\" attempted to modify the object, which is not supported for this operation");
        }
        ObjectNode patched = patched(invocation, a.object(), patch);
        if (patched.equals(a.object())) {
            return false;
        }
        // in place: the handler stores the very object it passed to admission
        a.object().removeAll();
        a.object().setAll(patched);
        return true;
    }

    /**
     * The patch applied to the object as the webhook saw it (in the invocation's version), then
     * back in the request's version. A patch that does not apply, or that changes what kind of
     * object this is, is the server's 500, whatever the failurePolicy, as upstream.
     */
    private static ObjectNode patched(Invocation invocation, ObjectNode object, JsonNode patch) {
        String name = invocation.webhook().name();
        ObjectNode seen = invocation.toVersion(object);
        JsonNode result;
        try {
            result = JsonPatch.apply(patch, seen);
        } catch (RuntimeException e) {
            throw StatusError.internal("admission webhook \"" + name + "\" returned a patch that does not apply: " + e.getMessage());
        }
        if (!(result instanceof ObjectNode out) || !out.path("kind").equals(seen.path("kind"))
                || !out.path("apiVersion").equals(seen.path("apiVersion"))) {
            throw StatusError.internal("admission webhook \"" + name + "\" may not change the apiVersion or kind of the object");
        }
        if (object.has("apiVersion")) {
            out.set("apiVersion", object.get("apiVersion"));
        }
        return out;
    }
}
