package io.kubej.proxy.iptables;

import static io.kubej.proxy.iptables.ChainNames.KUBE_FORWARD;
import static io.kubej.proxy.iptables.ChainNames.KUBE_MARK_MASQ;
import static io.kubej.proxy.iptables.ChainNames.KUBE_NODEPORTS;
import static io.kubej.proxy.iptables.ChainNames.KUBE_POSTROUTING;
import static io.kubej.proxy.iptables.ChainNames.KUBE_SERVICES;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.kubej.proxy.Endpoint;
import io.kubej.proxy.EndpointsChangeTracker;
import io.kubej.proxy.EndpointsChangeTracker.ServicePortKey;
import io.kubej.proxy.ServiceChangeTracker;
import io.kubej.proxy.ServicePort;
import io.kubej.proxy.config.EndpointsHandler;
import io.kubej.proxy.conntrack.Conntrack;
import io.kubej.proxy.config.ServiceHandler;
import io.kubej.proxy.metrics.Metrics;
import io.kubej.proxy.util.async.BoundedFrequencyRunner;
import io.kubej.proxy.util.iptables.Iptables;
import io.kubej.proxy.util.iptables.Iptables.Table;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's iptables mode: turns Services and their endpoints into nat rules that DNAT a
 * packet for clusterIP:port to one ready pod, chosen at random.
 *
 * <p>How a packet travels (read {@code iptables-save -t nat} beside this):
 * <pre>
 * PREROUTING / OUTPUT -> KUBE-SERVICES -(dst clusterIP:port)-> KUBE-SVC-xxx
 *   KUBE-SVC-xxx: mark for masquerade if the source is outside clusterCIDR, then pick an
 *                 endpoint: "statistic random 1/n", "1/(n-1)", ..., the last unconditional
 *   KUBE-SEP-yyy: mark for masquerade if the pod talks to itself (hairpin), DNAT to pod ip:port
 * POSTROUTING -> KUBE-POSTROUTING: masquerade packets carrying the mark (and clear the mark)
 * filter OUTPUT / FORWARD -> KUBE-SERVICES: REJECT for Services without endpoints
 * </pre>
 * The event handlers only record changes and request a sync; {@link #syncProxyRules()} rebuilds
 * the whole ruleset from the recorded state and applies it with one {@code iptables-restore
 * --noflush}, so it is atomic and idempotent. Upstream: pkg/proxy/iptables/proxier.go.
 */
public final class Proxier implements ServiceHandler, EndpointsHandler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Proxier.class);

    /** The jumps from the built-in chains into kube-proxy's chains (kept with ensureRule, as upstream). */
    record JumpRule(Table table, String from, String to, String comment, List<String> extraArgs) {
        List<String> args() {
            List<String> args = new ArrayList<>(extraArgs);
            args.addAll(List.of("-m", "comment", "--comment", comment, "-j", to));
            return args;
        }
    }

    static final List<JumpRule> JUMP_RULES = List.of(
            new JumpRule(Table.NAT, "PREROUTING", KUBE_SERVICES, "kubernetes service portals", List.of()),
            new JumpRule(Table.NAT, "OUTPUT", KUBE_SERVICES, "kubernetes service portals", List.of()),
            new JumpRule(Table.NAT, "POSTROUTING", KUBE_POSTROUTING, "kubernetes postrouting rules", List.of()),
            new JumpRule(Table.FILTER, "OUTPUT", KUBE_SERVICES, "kubernetes service portals",
                    List.of("-m", "conntrack", "--ctstate", "NEW")),
            new JumpRule(Table.FILTER, "FORWARD", KUBE_SERVICES, "kubernetes service portals",
                    List.of("-m", "conntrack", "--ctstate", "NEW")),
            new JumpRule(Table.FILTER, "FORWARD", KUBE_FORWARD, "kubernetes forwarding rules", List.of()));

    /** kube-proxy's fixed chains per table; stale KUBE-SVC-/KUBE-SEP- chains are found by prefix. */
    static final List<String> NAT_CHAINS = List.of(KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ);
    static final List<String> FILTER_CHAINS = List.of(KUBE_SERVICES, KUBE_FORWARD);

    private final Iptables iptables;
    private final String clusterCIDR;
    private final String masqueradeMark;
    private final ServiceChangeTracker serviceChanges = new ServiceChangeTracker();
    private final EndpointsChangeTracker endpointsChanges = new EndpointsChangeTracker();
    private final AtomicBoolean servicesSynced = new AtomicBoolean();
    private final AtomicBoolean endpointsSynced = new AtomicBoolean();
    private final AtomicBoolean firstSyncDone = new AtomicBoolean();
    private final BoundedFrequencyRunner syncRunner;
    private final Conntrack conntrack;
    /** What the previous successful sync programmed, to find UDP endpoints that went away. */
    private Map<ServicePortKey, ServicePort> lastServicePorts = Map.of();
    private Map<ServicePortKey, List<Endpoint>> lastEndpoints = Map.of();

    /**
     * @param clusterCIDR the pod network (e.g. 10.200.0.0/16); traffic to a cluster IP from
     *                    outside it is masqueraded. Null or empty: no such rule.
     * @param masqueradeBit the fwmark bit used to flag packets for SNAT (upstream default 14)
     */
    public Proxier(Iptables iptables, String clusterCIDR, int masqueradeBit, Duration minSyncPeriod, Duration syncPeriod) {
        this(iptables, new Conntrack(), clusterCIDR, masqueradeBit, minSyncPeriod, syncPeriod);
    }

    public Proxier(Iptables iptables, Conntrack conntrack, String clusterCIDR, int masqueradeBit,
                   Duration minSyncPeriod, Duration syncPeriod) {
        if (masqueradeBit < 0 || masqueradeBit > 31) {
            throw new IllegalArgumentException("masqueradeBit must be in [0, 31], got " + masqueradeBit);
        }
        this.iptables = iptables;
        this.conntrack = conntrack;
        this.clusterCIDR = clusterCIDR == null || clusterCIDR.isBlank() ? null : clusterCIDR;
        this.masqueradeMark = String.format("0x%x", 1L << masqueradeBit);
        Metrics.register();
        this.syncRunner = new BoundedFrequencyRunner("sync-runner", this::syncProxyRules, minSyncPeriod, syncPeriod);
    }

    /** Starts the sync loop (first sync once both informers have synced). */
    public void start() {
        syncRunner.start();
    }

    /** True once the rules reflect a full list of Services and Endpoints (what /healthz reports). */
    public boolean isInitialized() {
        return firstSyncDone.get();
    }

    // ---- event handlers: record, then ask for a sync ----

    @Override
    public void onServiceAdd(Service service) {
        onServiceUpdate(null, service);
    }

    @Override
    public void onServiceUpdate(Service oldService, Service service) {
        serviceChanges.update(oldService, service);
        requestSync();
    }

    @Override
    public void onServiceDelete(Service service) {
        serviceChanges.update(service, null);
        requestSync();
    }

    @Override
    public void onServiceSynced() {
        servicesSynced.set(true);
        requestSync();
    }

    @Override
    public void onEndpointsAdd(Endpoints endpoints) {
        onEndpointsUpdate(null, endpoints);
    }

    @Override
    public void onEndpointsUpdate(Endpoints oldEndpoints, Endpoints endpoints) {
        endpointsChanges.update(oldEndpoints, endpoints);
        requestSync();
    }

    @Override
    public void onEndpointsDelete(Endpoints endpoints) {
        endpointsChanges.update(endpoints, null);
        requestSync();
    }

    @Override
    public void onEndpointsSynced() {
        endpointsSynced.set(true);
        requestSync();
    }

    private void requestSync() {
        if (servicesSynced.get() && endpointsSynced.get()) {
            syncRunner.run();
        }
    }

    // ---- the sync ----

    /**
     * Rebuilds and applies all of kube-proxy's rules. Safe to call at any time and any number of
     * times: the same Services and Endpoints always give the same rules.
     */
    public synchronized void syncProxyRules() {
        if (!servicesSynced.get() || !endpointsSynced.get()) {
            log.debug("not syncing iptables until Services and Endpoints have been received from the API");
            return;
        }
        long start = System.nanoTime();
        // Step 1: the jumps from the built-in chains (outside the restore: we must not flush those chains).
        ensureChainsAndJumps();
        // Step 2: a consistent snapshot of what should be programmed.
        // (A partial sync, KEP-3453, would use serviceChanges/endpointsChanges.changedSinceLastSnapshot() here.)
        List<ServicePort> servicePorts = serviceChanges.snapshot();
        Map<ServicePortKey, List<Endpoint>> endpoints = endpointsChanges.snapshot();
        // Step 3: which KUBE-SVC-/KUBE-SEP- chains exist now, so stale ones can be deleted.
        Set<String> existingNat = kubeChains(iptables.save(Table.NAT));
        // Step 4: write both tables as text and apply them in one atomic iptables-restore.
        String rules = new RulesWriter(clusterCIDR, masqueradeMark).write(servicePorts, endpoints, existingNat);
        try {
            iptables.restoreAll(rules, true, true);
        } catch (RuntimeException e) {
            Metrics.IPTABLES_RESTORE_FAILURES.inc();
            throw e;
        }
        // Step 5: only now that no rule sends new UDP flows to removed endpoints, forget the old flows.
        deleteStaleUdpFlows(servicePorts, endpoints);
        firstSyncDone.set(true);
        double seconds = (System.nanoTime() - start) / 1e9;
        Metrics.SYNC_PROXY_RULES_LATENCY.observe(seconds);
        Metrics.SYNC_PROXY_RULES_LAST_TIMESTAMP.set(System.currentTimeMillis() / 1000.0);
        log.debug("synced iptables rules for {} service ports in {} ms", servicePorts.size(), Math.round(seconds * 1000));
    }

    private void ensureChainsAndJumps() {
        for (JumpRule jump : JUMP_RULES) {
            iptables.ensureChain(jump.table(), jump.to());
            iptables.ensureRule(Iptables.RulePosition.PREPEND, jump.table(), jump.from(), jump.args());
        }
    }

    private void deleteStaleUdpFlows(List<ServicePort> servicePorts, Map<ServicePortKey, List<Endpoint>> endpoints) {
        Map<ServicePortKey, ServicePort> current = new HashMap<>();
        servicePorts.forEach(p -> current.put(new ServicePortKey(p.name(), p.protocol()), p));
        for (var old : lastServicePorts.entrySet()) {
            ServicePort port = old.getValue();
            if (!"UDP".equals(port.protocol())) {
                continue;
            }
            List<Endpoint> still = current.containsKey(old.getKey())
                    ? endpoints.getOrDefault(old.getKey(), List.of()) : List.of();
            for (Endpoint gone : lastEndpoints.getOrDefault(old.getKey(), List.of())) {
                if (!still.contains(gone)) {
                    conntrack.clearEntriesForNat("udp", port.clusterIP(), gone.ip());
                }
            }
        }
        lastServicePorts = current;
        lastEndpoints = endpoints;
    }

    /** Chain names starting with KUBE- in an iptables-save dump. */
    static Set<String> kubeChains(String save) {
        Set<String> chains = new TreeSet<>();
        for (String line : save.split("\n")) {
            if (line.startsWith(":KUBE-")) {
                chains.add(line.substring(1, line.indexOf(' ') > 0 ? line.indexOf(' ') : line.length()));
            }
        }
        return chains;
    }

    // ---- cleanup ----

    /**
     * Removes every chain and jump rule kube-proxy (iptables mode) creates, in both tables; what
     * {@code kube-proxy --cleanup} does. Rules of other programs are left alone. Idempotent.
     */
    public static void cleanupLeftovers(Iptables iptables) {
        for (Table table : List.of(Table.NAT, Table.FILTER)) {
            String save = iptables.save(table);
            Set<String> ours = new TreeSet<>();
            for (String chain : kubeChains(save)) {
                if (isProxyChain(table, chain)) {
                    ours.add(chain);
                }
            }
            if (ours.isEmpty()) {
                continue;
            }
            StringBuilder restore = new StringBuilder("*").append(table.name).append('\n');
            // Flush our chains (declaring a chain in --noflush mode empties it) ...
            ours.forEach(c -> restore.append(':').append(c).append(" - [0:0]\n"));
            // ... delete every rule of a built-in chain that jumps into one of them ...
            for (String line : save.split("\n")) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[0].equals("-A") && !f[1].startsWith("KUBE-") && jumpTarget(f) != null
                        && ours.contains(jumpTarget(f))) {
                    restore.append("-D").append(line.substring(2)).append('\n');
                }
            }
            // ... then delete the chains themselves.
            ours.forEach(c -> restore.append("-X ").append(c).append('\n'));
            restore.append("COMMIT\n");
            iptables.restoreAll(restore.toString(), true, false);
        }
    }

    private static boolean isProxyChain(Table table, String chain) {
        List<String> fixed = table == Table.NAT ? NAT_CHAINS : FILTER_CHAINS;
        return fixed.contains(chain)
                || chain.equals("KUBE-EXTERNAL-SERVICES")
                || chain.equals("KUBE-PROXY-FIREWALL")
                || (table == Table.FILTER && chain.equals(KUBE_NODEPORTS))
                || chain.startsWith(ChainNames.SVC_PREFIX)
                || chain.startsWith(ChainNames.SEP_PREFIX)
                || chain.startsWith("KUBE-EXT-")
                || chain.startsWith("KUBE-FW-")
                || chain.startsWith("KUBE-SVL-");
    }

    private static String jumpTarget(String[] fields) {
        for (int i = 0; i < fields.length - 1; i++) {
            if (fields[i].equals("-j") || fields[i].equals("-g")) {
                return fields[i + 1];
            }
        }
        return null;
    }

    @Override
    public void close() {
        syncRunner.close();
    }
}
