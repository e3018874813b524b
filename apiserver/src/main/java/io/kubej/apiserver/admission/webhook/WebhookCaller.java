package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.admission.Attributes;
import io.kubej.apiserver.admission.Warnings;
import io.kubej.apiserver.api.StatusError;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of one webhook, shared by both plugins (upstream {@code callHook} and the
 * dispatchers' error handling): a dry-run only goes to webhooks without side effects; the
 * review is posted; the reply must be a review of this request; its warnings go to the
 * client's response; a failure is judged by the webhook's failurePolicy.
 */
final class WebhookCaller {
    private static final Logger log = LoggerFactory.getLogger(WebhookCaller.class);
    private final WebhookClient client;

    WebhookCaller(WebhookClient client) {
        this.client = client;
    }

    /**
     * Asks a webhook about the request: its answer when it allows it; a refusal is thrown as the
     * webhook's error; a failed call fails the request (failurePolicy Fail) or is skipped
     * (Ignore: empty).
     */
    Optional<AdmissionReview.Response> ask(Invocation invocation, Attributes a, ObjectNode object, ObjectNode oldObject,
                                           boolean mutating) {
        Webhook hook = invocation.webhook();
        AdmissionReview.Response response;
        try {
            response = call(invocation, a, object, oldObject, mutating);
        } catch (WebhookCallFailure failure) {
            if (hook.failOpen()) {
                log.warn("Failed calling webhook, failing open {}: {}", hook.name(), failure.getMessage());
                return Optional.empty();
            }
            log.warn("Failed calling webhook, failing closed {}: {}", hook.name(), failure.getMessage());
            throw WebhookErrors.failedClosed(failure);
        }
        if (!response.allowed()) {
            throw WebhookErrors.denied(a, hook.name(), response.status());
        }
        return Optional.of(response);
    }

    AdmissionReview.Response call(Invocation invocation, Attributes a, ObjectNode object, ObjectNode oldObject, boolean mutating)
            throws WebhookCallFailure {
        Webhook hook = invocation.webhook();
        if (a.dryRun() && !hook.sideEffects().equals("None") && !hook.sideEffects().equals("NoneOnDryRun")) {
            throw StatusError.badRequest("admission webhook \"" + hook.name() + "\" does not support dry run");
        }
        String uid = UUID.randomUUID().toString();
        ObjectNode review = AdmissionReview.request(uid, invocation, a, object, oldObject);
        JsonNode reply;
        try {
            reply = client.post(hook, review);
        } catch (IOException e) {
            throw new WebhookCallFailure(hook.name(), "failed to call webhook: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookCallFailure(hook.name(), "interrupted", e);
        }
        AdmissionReview.Response response;
        try {
            response = AdmissionReview.response(reply, uid, mutating);
        } catch (AdmissionReview.InvalidResponse e) {
            throw new WebhookCallFailure(hook.name(), "received invalid webhook response: " + e.getMessage(), e);
        }
        response.warnings().forEach(Warnings::add);
        return response;
    }
}
