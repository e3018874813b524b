package io.kubej.proxy.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;

/**
 * kube-proxy's own metrics, named as upstream's (pkg/proxy/metrics/metrics.go), served on
 * {@code /metrics} (port 10249). Registered once per JVM, shared by every proxier in it.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Registers the metrics (class initialisation does it), so /metrics lists them before the first sync. */
    public static void register() {
        // nothing else to do: the static fields below are created and registered on first use of the class
    }

    /** How long one syncProxyRules took. */
    public static final Histogram SYNC_PROXY_RULES_LATENCY = Histogram.builder()
            .name("kubeproxy_sync_proxy_rules_duration_seconds")
            .help("SyncProxyRules latency in seconds")
            .register();

    /** When the rules were last written successfully (unix seconds). */
    public static final Gauge SYNC_PROXY_RULES_LAST_TIMESTAMP = Gauge.builder()
            .name("kubeproxy_sync_proxy_rules_last_timestamp_seconds")
            .help("The last time proxy rules were successfully synced")
            .register();

    /** iptables-restore failures. */
    public static final Counter IPTABLES_RESTORE_FAILURES = Counter.builder()
            .name("kubeproxy_sync_proxy_rules_iptables_restore_failures_total")
            .help("Cumulative proxy iptables restore failures")
            .register();
}
