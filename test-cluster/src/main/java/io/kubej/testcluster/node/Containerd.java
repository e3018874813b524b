package io.kubej.testcluster.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubej.testcluster.HostCommands;
import io.kubej.testcluster.ManagedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The node's container runtime: the real containerd 1.6 with its CRI plugin, CNI bridge
 * networking (bridge + host-local + loopback, as in the hard way's 10-bridge.conf) and registry
 * mirrors pointing at the local {@link Registry}.
 *
 * <p>Why everything under one directory: several nodes (or parallel tests) each run their own
 * containerd with their own root, state and socket and do not disturb one another. The only
 * shared things are host-wide names, so the bridge, its CIDR and the CNI network name are
 * parameters ({@link Spec#unique} picks fresh ones for tests).
 *
 * <p>ENVIRONMENT.md records what pods need on these machines: {@code restrict_oom_score_adj},
 * the CNI bin_dir {@code /usr/lib/cni}, and a local sandbox image.
 */
public final class Containerd implements AutoCloseable {
    /** containerd's CRI plugin keeps Kubernetes' containers in this containerd namespace. */
    public static final String K8S_NAMESPACE = "k8s.io";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a host tool (umount, ip, iptables) may take before it is killed. */
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    /**
     * What a node's runtime needs: its directory, the registry port the mirrors use, the CNI
     * bridge name, the node's pod CIDR, the CNI network name (host-local keeps its leases in
     * /var/lib/cni/networks/NAME) and the sandbox image.
     */
    public record Spec(Path dir, int registryPort, String bridgeName, String podCidr, String networkName,
            String sandboxImage) {
        /** The hard way's single node: bridge cnio0, network "bridge", the given pod CIDR (10.200.0.0/24). */
        public static Spec hardWay(Path dir, int registryPort, String podCidr) {
            return new Spec(dir, registryPort, "cnio0", podCidr, "bridge", "registry.k8s.io/pause:3.6");
        }

        /** Fresh bridge and network names and a random /24 in 10.240.0.0/12, for parallel tests. */
        public static Spec unique(Path dir, int registryPort) {
            String id = Images.randomSuffix().substring(0, 6);
            ThreadLocalRandom r = ThreadLocalRandom.current();
            String cidr = "10." + (240 + r.nextInt(15)) + "." + r.nextInt(256) + ".0/24";
            return new Spec(dir, registryPort, "kj" + id, cidr, "kubej-" + id, "registry.k8s.io/pause:3.6");
        }
    }

    private final Spec spec;
    private final ManagedProcess process;

    private Containerd(Spec spec, ManagedProcess process) {
        this.spec = spec;
        this.process = process;
    }

    /** Writes the CNI and containerd configs, starts containerd and waits until its socket answers. */
    public static Containerd start(Spec spec) throws IOException {
        Files.createDirectories(spec.dir());
        writeCniConfig(spec);
        writeRegistryHosts(spec);
        Path config = spec.dir().resolve("config.toml");
        Files.writeString(config, renderConfig(spec));
        ManagedProcess p = ManagedProcess.start("containerd",
                List.of("containerd", "--config", config.toString()), spec.dir().resolve("containerd.log"));
        Containerd containerd = new Containerd(spec, p);
        try {
            p.awaitReady(Duration.ofSeconds(30), containerd::answers);
        } catch (RuntimeException e) {
            containerd.stop(false);
            throw e;
        }
        return containerd;
    }

    /**
     * The hard way's 10-bridge.conf and 99-loopback.conf with this node's values, plus
     * {@code hairpinMode}: with bridged traffic passing through iptables, a pod that reaches its
     * own Service is DNATed back to itself, and the bridge must send the packet back out of the
     * port it came in on (kubenet sets the same).
     */
    static void writeCniConfig(Spec spec) throws IOException {
        Path netd = Files.createDirectories(spec.dir().resolve("cni/net.d"));
        Files.writeString(netd.resolve("10-bridge.conf"), """
                {
                    "cniVersion": "0.4.0",
                    "name": "%s",
                    "type": "bridge",
                    "bridge": "%s",
                    "isGateway": true,
                    "hairpinMode": true,
                    "ipMasq": true,
                    "ipam": {
                        "type": "host-local",
                        "ranges": [
                          [{"subnet": "%s"}]
                        ],
                        "routes": [{"dst": "0.0.0.0/0"}]
                    }
                }
                """.formatted(spec.networkName(), spec.bridgeName(), spec.podCidr()));
        Files.writeString(netd.resolve("99-loopback.conf"), """
                {
                    "cniVersion": "0.4.0",
                    "name": "lo",
                    "type": "loopback"
                }
                """);
    }

    /** The registries whose images the examples name; each is mirrored to the local registry. */
    public static final List<String> MIRRORED_REGISTRIES = List.of("docker.io", "registry.k8s.io", "k8s.gcr.io");

    /**
     * One {@code certs.d/<registry>/hosts.toml} per mirrored registry: pulls go to the local
     * registry. Why hosts.toml rather than the older {@code registry.mirrors} table: with
     * {@code server} set to the local registry too, containerd never falls back to the real
     * registry on the internet (a missing image fails at once instead of reaching out).
     */
    static void writeRegistryHosts(Spec spec) throws IOException {
        String local = "http://127.0.0.1:" + spec.registryPort();
        for (String registry : MIRRORED_REGISTRIES) {
            Path dir = Files.createDirectories(spec.dir().resolve("certs.d").resolve(registry));
            Files.writeString(dir.resolve("hosts.toml"), """
                    server = "%1$s"

                    [host."%1$s"]
                      capabilities = ["pull", "resolve"]
                    """.formatted(local));
        }
    }

    /** containerd 1.6's config (version 2) for one node. */
    static String renderConfig(Spec spec) {
        Path dir = spec.dir().toAbsolutePath();
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                # plugins a Kubernetes node does not use here
                disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.btrfs", \
                "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", \
                "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp"]

                [grpc]
                  address = "%1$s/containerd.sock"

                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "%2$s"
                  # runc may not lower oom_score_adj in these VMs (see ENVIRONMENT.md)
                  restrict_oom_score_adj = true
                  # the streaming server (exec/attach/port-forward) on a free loopback port
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  [plugins."io.containerd.grpc.v1.cri".containerd]
                    snapshotter = "overlayfs"
                    default_runtime_name = "runc"
                    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                      runtime_type = "io.containerd.runc.v2"
                      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                        # cgroup driver cgroupfs (the kubelet passes cgroupfs-style cgroup_parent)
                        SystemdCgroup = false
                  [plugins."io.containerd.grpc.v1.cri".cni]
                    bin_dir = "/usr/lib/cni"
                    conf_dir = "%1$s/cni/net.d"
                  # registry mirrors as hosts.toml files (one folder per registry host); see writeRegistryHosts
                  [plugins."io.containerd.grpc.v1.cri".registry]
                    config_path = "%1$s/certs.d"
                """.formatted(dir, spec.sandboxImage());
    }

    private boolean answers() {
        return ctr(spec, "version").ok();
    }

    public Spec spec() {
        return spec;
    }

    /** The unix socket containerd serves gRPC (CRI) on. */
    public Path socket() {
        return spec.dir().toAbsolutePath().resolve("containerd.sock");
    }

    /** {@code unix:///...sock}, as passed to the kubelet's --container-runtime-endpoint. */
    public String endpoint() {
        return "unix://" + socket();
    }

    public ManagedProcess process() {
        return process;
    }

    /** Stops containerd and removes what its pods left behind; the bridge stays. */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Tears the node's runtime down: leftover pods ({@link #removeLeftoverPods}), containerd
     * itself, then what stays on the host ({@link #cleanUpAfterStop}).
     *
     * <p>The kubelet should have removed its pods through CRI already (so CNI DEL ran); this is
     * the safety net for what a crashed or killed kubelet left.
     */
    public void stop(boolean deleteBridge) {
        if (process.isAlive()) {
            removeLeftoverPods(spec);
        }
        process.stop(Duration.ofSeconds(10));
        cleanUpAfterStop(spec, deleteBridge);
    }

    /**
     * With containerd still running (e.g. from {@code kubej down}, which only has the Spec):
     * kills and deletes every container in the k8s.io namespace, removes the pods' network
     * namespaces, host-local leases and CNI NAT rules of this node's network.
     */
    public static void removeLeftoverPods(Spec spec) {
        List<String> netns = leftoverNetworkNamespaces(spec);
        killLeftoverContainers(spec);
        for (String path : netns) {
            HostCommands.run(List.of("umount", path), TOOL_TIMEOUT);
            try {
                Files.deleteIfExists(Path.of(path));
            } catch (IOException ignored) {
                // best effort
            }
        }
        removeCniState(spec);
    }

    /**
     * After containerd stopped: unmounts what is left under its root and state, removes the
     * network's CNI state and, if asked, the bridge.
     */
    public static void cleanUpAfterStop(Spec spec, boolean deleteBridge) {
        unmountUnder(spec.dir().toAbsolutePath());
        removeCniState(spec);
        if (deleteBridge) {
            HostCommands.run(List.of("ip", "link", "delete", spec.bridgeName()), TOOL_TIMEOUT);
        }
    }

    private static HostCommands.Result ctr(Spec spec, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ctr", "--address",
                spec.dir().toAbsolutePath().resolve("containerd.sock").toString(), "--namespace", K8S_NAMESPACE));
        cmd.addAll(List.of(args));
        return HostCommands.run(cmd, Duration.ofSeconds(60));
    }

    /** The network namespace paths of the sandboxes containerd still knows. */
    private static List<String> leftoverNetworkNamespaces(Spec spec) {
        List<String> paths = new ArrayList<>();
        HostCommands.Result ids = ctr(spec, "containers", "list", "--quiet");
        if (!ids.ok()) {
            return paths;
        }
        for (String id : ids.output().split("\n")) {
            if (id.isBlank()) {
                continue;
            }
            HostCommands.Result info = ctr(spec, "containers", "info", id.trim());
            if (!info.ok()) {
                continue;
            }
            try {
                JsonNode namespaces = JSON.readTree(info.output()).path("Spec").path("linux").path("namespaces");
                for (JsonNode ns : namespaces) {
                    String path = ns.path("path").asText("");
                    if ("network".equals(ns.path("type").asText()) && path.startsWith("/var/run/netns/")) {
                        paths.add(path);
                    }
                }
            } catch (IOException ignored) {
                // not JSON: skip
            }
        }
        return paths;
    }

    private static void killLeftoverContainers(Spec spec) {
        HostCommands.Result tasks = ctr(spec, "tasks", "list", "--quiet");
        if (tasks.ok()) {
            for (String id : tasks.output().split("\n")) {
                if (!id.isBlank()) {
                    ctr(spec, "tasks", "kill", "--signal", "SIGKILL", id.trim());
                    ctr(spec, "tasks", "delete", "--force", id.trim());
                }
            }
        }
        HostCommands.Result containers = ctr(spec, "containers", "list", "--quiet");
        if (containers.ok()) {
            for (String id : containers.output().split("\n")) {
                if (!id.isBlank()) {
                    ctr(spec, "containers", "delete", id.trim());
                }
            }
        }
    }

    /**
     * Unmounts (deepest first) everything mounted under {@code dir}: rootfs overlays, shm, netns.
     * Returns how many mounts there were.
     */
    public static int unmountUnder(Path dir) {
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4].replace("\\040", " ");
                if (mountPoint.startsWith(dir.toString() + "/")) {
                    mounts.add(mountPoint);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        mounts.sort((a, b) -> b.length() - a.length());
        for (String m : mounts) {
            if (!HostCommands.run(List.of("umount", m), TOOL_TIMEOUT).ok()) {
                HostCommands.run(List.of("umount", "-l", m), TOOL_TIMEOUT);
            }
        }
        return mounts.size();
    }

    /** host-local leases, cached CNI results and the bridge plugin's ipMasq NAT rules of this network. */
    private static void removeCniState(Spec spec) {
        Images.deleteRecursively(Path.of("/var/lib/cni/networks", spec.networkName()));
        try (var results = Files.list(Path.of("/var/lib/cni/results"))) {
            results.filter(p -> p.getFileName().toString().startsWith(spec.networkName() + "-"))
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // no results dir
        }
        String marker = "name: \\\"" + spec.networkName() + "\\\"";
        HostCommands.Result rules = HostCommands.run(List.of("iptables", "-t", "nat", "-S", "POSTROUTING"), TOOL_TIMEOUT);
        if (!rules.ok()) {
            return;
        }
        for (String rule : rules.output().split("\n")) {
            if (rule.startsWith("-A POSTROUTING") && rule.contains(marker)) {
                String chain = rule.replaceAll(".* -j (CNI-[0-9a-f]+).*", "$1");
                List<String> delete = new ArrayList<>(List.of("iptables", "-t", "nat", "-D", "POSTROUTING"));
                delete.addAll(splitRule(rule.substring("-A POSTROUTING ".length())));
                HostCommands.run(delete, TOOL_TIMEOUT);
                if (chain.startsWith("CNI-")) {
                    HostCommands.run(List.of("iptables", "-t", "nat", "-F", chain), TOOL_TIMEOUT);
                    HostCommands.run(List.of("iptables", "-t", "nat", "-X", chain), TOOL_TIMEOUT);
                }
            }
        }
    }

    /** Splits an {@code iptables -S} rule into arguments, honouring double-quoted comments. */
    static List<String> splitRule(String rule) {
        List<String> args = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < rule.length(); i++) {
            char c = rule.charAt(i);
            if (c == '\\' && i + 1 < rule.length() && rule.charAt(i + 1) == '"') {
                cur.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ' ' && !quoted) {
                if (!cur.isEmpty()) {
                    args.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            args.add(cur.toString());
        }
        return args;
    }
}
