package io.kubej.client.record;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events about an object, as client-go's {@code tools/record} EventRecorder:
 * what {@code kubectl describe} shows a user under "Events". Every component uses it: the
 * controllers (SuccessfulCreate, ...), the scheduler (Scheduled, FailedScheduling) and the
 * kubelet (Pulling, Started, ...), the kubelet with its node name as {@code source.host}.
 *
 * <p>Why Events and not logs: status and Events tell the user what happened; logs are for the
 * operator. Recording is fire and forget: Events are posted by one background thread, so a sync
 * never waits for, or fails on, an Event (upstream's broadcaster also drops Events under
 * pressure). Upstream also aggregates repeats into one Event with a count; kubej writes one
 * Event per call for now.
 */
public final class EventRecorder implements AutoCloseable {
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final ExecutorService sender;

    /** A recorder for a component that is not tied to a node (controllers, scheduler). */
    public EventRecorder(KubernetesClient client, String component) {
        this(client, component, null);
    }

    /**
     * A recorder whose Events name {@code host} as their source (the kubelet's node); the host
     * is also the reporting instance. Null for none.
     */
    public EventRecorder(KubernetesClient client, String component, String host) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, component + "-events");
            t.setDaemon(true);
            return t;
        });
    }

    /** Records an Event of {@code type} (NORMAL or WARNING) about {@code obj}; never blocks or throws. */
    public void event(HasMetadata obj, String type, String reason, String message) {
        Event event = newEvent(obj, type, reason, message, Instant.now());
        try {
            sender.execute(() -> post(event));
        } catch (RejectedExecutionException closed) {
            log.debug("recorder closed, dropping event {} {} on {}", type, reason, obj.getMetadata().getName());
        }
    }

    /** The Event about {@code obj}; cluster-scoped objects (a Node) get theirs in "default", as upstream. */
    Event newEvent(HasMetadata obj, String type, String reason, String message, Instant when) {
        String namespace = obj.getMetadata().getNamespace() == null ? "default" : obj.getMetadata().getNamespace();
        String now = when.truncatedTo(ChronoUnit.SECONDS).toString();
        return new EventBuilder()
                .withNewMetadata()
                    // upstream names events <object>.<hex nanoseconds>
                    .withName(obj.getMetadata().getName() + "." + Long.toHexString(when.toEpochMilli() * 1_000_000L + System.nanoTime() % 1_000_000L))
                    .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(obj.getApiVersion() != null ? obj.getApiVersion() : HasMetadata.getApiVersion(obj.getClass()))
                        .withKind(obj.getKind() != null ? obj.getKind() : HasMetadata.getKind(obj.getClass()))
                        .withNamespace(obj.getMetadata().getNamespace())
                        .withName(obj.getMetadata().getName())
                        .withUid(obj.getMetadata().getUid())
                        .withResourceVersion(obj.getMetadata().getResourceVersion())
                        .build())
                .withReason(reason)
                .withMessage(message)
                .withType(type)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource().withComponent(component).withHost(host).endSource()
                .withReportingComponent(component)
                .withReportingInstance(host != null ? host : component)
                .build();
    }

    private void post(Event event) {
        try {
            client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
        } catch (RuntimeException e) {
            log.debug("could not record event {} {} on {}: {}", event.getType(), event.getReason(),
                    event.getInvolvedObject().getName(), e.toString());
        }
    }

    /** Stops posting; Events not yet posted are dropped. */
    @Override
    public void close() {
        sender.shutdownNow();
    }
}
