package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.AdmissionPlugin;
import io.kubej.apiserver.admission.Attributes;
import java.util.List;

/**
 * The ValidatingAdmissionWebhook admission plugin (upstream
 * {@code admission/plugin/webhook/validating}): every ValidatingWebhookConfiguration's webhook
 * whose rules and selectors match the request is asked, and any one of them can refuse it. It
 * runs after the mutating plugins, so it judges the object as it will be stored. Upstream asks
 * them in parallel; kubej asks them one after the other in the configurations' order and stops
 * at the first refusal (the outcome is the same, only the latency adds up).
 */
public final class ValidatingAdmissionWebhook implements AdmissionPlugin {
    public static final String NAME = "ValidatingAdmissionWebhook";

    private final WebhookSource source;
    private final WebhookMatcher matcher;
    private final WebhookCaller caller;

    public ValidatingAdmissionWebhook(WebhookSource source, WebhookMatcher matcher, WebhookClient client) {
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
        for (Invocation invocation : invocations) {
            if (matcher.bySelectors(invocation.webhook(), a, a.object(), old)) {
                caller.ask(invocation, a, a.object(), old, false); // a refusal or a failure that fails closed throws
            }
        }
    }
}
