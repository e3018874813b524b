package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.generic.ObjectSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The webhooks of every stored configuration of one kind, in the order they run: by
 * configuration name, then in the order the configuration lists them (upstream
 * {@code configuration.NewMutatingWebhookConfigurationManager}). Read from an informer, never
 * from etcd per request, and re-read only when a configuration changed.
 */
public final class WebhookSource {
    private final ObjectSource configurations;
    private volatile Snapshot snapshot = new Snapshot(-1, List.of());

    private record Snapshot(long generation, List<Webhook> webhooks) {
    }

    public WebhookSource(ObjectSource configurations) {
        this.configurations = configurations;
    }

    public List<Webhook> webhooks() {
        Snapshot s = snapshot;
        long generation = configurations.generation();
        if (s.generation() != generation) {
            s = new Snapshot(generation, read());
            snapshot = s;
        }
        return s.webhooks();
    }

    private List<Webhook> read() {
        List<ObjectNode> sorted = new ArrayList<>(configurations.list());
        sorted.sort(Comparator.comparing(c -> c.path("metadata").path("name").asText()));
        List<Webhook> all = new ArrayList<>();
        sorted.forEach(c -> all.addAll(Webhook.of(c)));
        return List.copyOf(all);
    }
}
