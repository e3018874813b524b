package io.kubej.apiserver.admission.webhook;

/**
 * A webhook could not be asked, or did not answer usably: refused connection, timeout, TLS
 * failure, an error status, a response that is not an AdmissionReview for this request
 * (upstream {@code ErrCallingWebhook}). Unlike a refusal, this is what the webhook's
 * failurePolicy decides about: Fail turns it into a 500, Ignore skips the webhook.
 */
public final class WebhookCallFailure extends Exception {
    private final String webhook;

    WebhookCallFailure(String webhook, String reason, Throwable cause) {
        super("failed calling webhook \"" + webhook + "\": " + reason, cause);
        this.webhook = webhook;
    }

    public String webhook() {
        return webhook;
    }
}
