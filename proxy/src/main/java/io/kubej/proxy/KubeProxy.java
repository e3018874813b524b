package io.kubej.proxy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.client.Clients;
import io.kubej.component.Component;
import io.kubej.component.ComponentRunner;
import io.kubej.component.ComponentServer;
import io.kubej.component.ConfigFiles;
import io.kubej.component.GoDuration;
import io.kubej.component.GoOnlyFlags;
import io.kubej.component.Hostname;
import io.kubej.proxy.apis.config.KubeProxyConfiguration;
import io.kubej.proxy.config.EndpointsConfig;
import io.kubej.proxy.config.ServiceConfig;
import io.kubej.proxy.iptables.Proxier;
import io.kubej.proxy.util.iptables.ExecIptables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * kube-proxy: runs on every node and makes Service cluster IPs work there by programming
 * iptables from the Services and Endpoints it watches.
 *
 * <p>Flags keep upstream's names; a hard-way unit passes only {@code --config}. Explicitly given
 * flags override the config file. {@code --cleanup} removes kube-proxy's rules and exits, which
 * {@code kubej down} uses. Serves {@code /healthz} on healthzBindAddress (10256) and
 * {@code /metrics} and {@code /proxyMode} on metricsBindAddress (10249).
 */
@Command(name = "kube-proxy", mixinStandardHelpOptions = true,
        description = "The Kubernetes network proxy: programs iptables so Service IPs reach pods.")
public final class KubeProxy implements Component, Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(KubeProxy.class);

    @Mixin
    GoOnlyFlags goFlags = new GoOnlyFlags();

    @Option(names = "--config", description = "Path to a KubeProxyConfiguration file.")
    Path configFile;

    @Option(names = "--kubeconfig", description = "Path to a kubeconfig file (overrides clientConnection.kubeconfig).")
    Path kubeconfig;

    @Option(names = "--hostname-override", description = "Use this name as the node's identity instead of the hostname.")
    String hostnameOverride;

    @Option(names = "--cluster-cidr", description = "The pod network range; traffic to cluster IPs from outside it is masqueraded.")
    String clusterCIDR;

    @Option(names = "--proxy-mode", description = "Only 'iptables' is implemented.")
    String proxyMode;

    @Option(names = "--healthz-bind-address", description = "ip:port for /healthz (default 0.0.0.0:10256).")
    String healthzBindAddress;

    @Option(names = "--metrics-bind-address", description = "ip:port for /metrics and /proxyMode (default 127.0.0.1:10249).")
    String metricsBindAddress;

    @Option(names = "--iptables-sync-period", description = "Longest time between two full syncs (default 30s).")
    String syncPeriod;

    @Option(names = "--iptables-min-sync-period", description = "Shortest time between two syncs (default 1s).")
    String minSyncPeriod;

    @Option(names = "--iptables-masquerade-bit", description = "The fwmark bit that flags packets for SNAT (default 14).")
    Integer masqueradeBit;

    @Option(names = "--cleanup", description = "Remove kube-proxy's iptables rules and chains, then exit.")
    boolean cleanup;

    private KubeProxyConfiguration config;
    private KubernetesClient client;
    private Proxier proxier;
    private ServiceConfig serviceConfig;
    private EndpointsConfig endpointsConfig;
    private ComponentServer metricsServer;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KubeProxy()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        goFlags.apply();
        if (cleanup) {
            Proxier.cleanupLeftovers(new ExecIptables());
            log.info("removed kube-proxy's iptables rules");
            return 0;
        }
        config = resolveConfig();
        String[] healthz = hostPort(config.healthzBindAddress, 10256);
        return ComponentRunner.run(this, healthz[0], Integer.parseInt(healthz[1]));
    }

    /** The config file (if any) with explicitly given flags on top; rejects what kubej cannot do. */
    KubeProxyConfiguration resolveConfig() {
        KubeProxyConfiguration c = configFile != null
                ? ConfigFiles.read(configFile, KubeProxyConfiguration.class)
                : new KubeProxyConfiguration();
        if (kubeconfig != null) {
            c.clientConnection.kubeconfig = kubeconfig.toString();
        }
        if (hostnameOverride != null) {
            c.hostnameOverride = hostnameOverride;
        }
        if (clusterCIDR != null) {
            c.clusterCIDR = clusterCIDR;
        }
        if (proxyMode != null) {
            c.mode = proxyMode;
        }
        if (healthzBindAddress != null) {
            c.healthzBindAddress = healthzBindAddress;
        }
        if (metricsBindAddress != null) {
            c.metricsBindAddress = metricsBindAddress;
        }
        if (syncPeriod != null) {
            c.iptables.syncPeriod = syncPeriod;
        }
        if (minSyncPeriod != null) {
            c.iptables.minSyncPeriod = minSyncPeriod;
        }
        if (masqueradeBit != null) {
            c.iptables.masqueradeBit = masqueradeBit;
        }
        if (!"iptables".equals(c.effectiveMode())) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "proxy mode \"" + c.mode + "\" is not supported by kubej; only \"iptables\" is implemented");
        }
        if (c.clientConnection.kubeconfig == null || c.clientConnection.kubeconfig.isBlank()) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "no kubeconfig: set clientConnection.kubeconfig in --config or pass --kubeconfig");
        }
        if (c.nodePortAddresses != null && !c.nodePortAddresses.isEmpty()) {
            GoOnlyFlags.warnIgnored("nodePortAddresses", c.nodePortAddresses, "NodePort Services are not implemented yet");
        }
        return c;
    }

    @Override
    public String name() {
        return "kube-proxy";
    }

    @Override
    public void start() throws Exception {
        String node = nodeName();
        log.info("kube-proxy for node {}: mode iptables, clusterCIDR {}", node,
                config.clusterCIDR.isBlank() ? "(none)" : config.clusterCIDR);
        if (config.clusterCIDR.isBlank()) {
            log.warn("clusterCIDR is not set: traffic to cluster IPs from outside the pod network will not be masqueraded");
        }
        String[] metrics = hostPort(config.metricsBindAddress, 10249);
        metricsServer = ComponentServer.start(this, metrics[0], Integer.parseInt(metrics[1])).serve("/proxyMode", () -> "iptables");

        proxier = new Proxier(new ExecIptables(), config.clusterCIDR, config.iptables.masqueradeBit,
                GoDuration.parse(config.iptables.minSyncPeriod),
                GoDuration.parse(config.iptables.syncPeriod));
        proxier.start();

        client = Clients.fromKubeconfig(Path.of(config.clientConnection.kubeconfig), "kube-proxy/kubej");
        // The informer resync re-delivers every object; the sync period already repairs rules, so none.
        serviceConfig = new ServiceConfig(client, 0, proxier);
        endpointsConfig = new EndpointsConfig(client, 0, proxier);
    }

    private String nodeName() throws Exception {
        return Hostname.nodeName(config.hostnameOverride);
    }

    @Override
    public boolean isReady() {
        return proxier != null && proxier.isInitialized();
    }

    @Override
    public void close() {
        if (serviceConfig != null) {
            serviceConfig.close();
        }
        if (endpointsConfig != null) {
            endpointsConfig.close();
        }
        if (proxier != null) {
            proxier.close();
        }
        if (client != null) {
            client.close();
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        // Like upstream, rules stay in place on stop: Services keep working across a restart.
    }

    /** Splits "ip:port" (an empty or missing port takes the default). */
    static String[] hostPort(String address, int defaultPort) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            return new String[] {address, String.valueOf(defaultPort)};
        }
        String host = address.substring(0, colon);
        String port = address.substring(colon + 1);
        return new String[] {host.isEmpty() ? "0.0.0.0" : host, port.isEmpty() ? String.valueOf(defaultPort) : port};
    }
}
