package io.kubej.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A private, throw-away "node" for tests: network namespaces that the test owns and deletes.
 *
 * <pre>
 *   netns NODE: bridge cnio0 10.200.0.1/24, route 10.32.0.0/24 (service range) -> cnio0
 *      |-- veth --> netns POD-x: eth0 10.200.0.x/24, default via 10.200.0.1, a socat TCP server
 *      `-- veth --> netns CLIENT (optional): 10.99.0.2/30, the "outside world" via 10.99.0.1
 * </pre>
 * The kube-proxy rules under test go into NODE's iptables. Every address lives only inside these
 * namespaces; nothing touches the host's network. Names are random, so tests can run in parallel.
 */
public final class NodeNetwork implements AutoCloseable {
    public static final String NODE_BRIDGE_IP = "10.200.0.1";

    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    private final String node;
    private String client;
    private int pods;

    private NodeNetwork() {
        node = "kjp-" + id + "-node";
    }

    /** Creates the node namespace with its bridge. */
    public static NodeNetwork create() {
        NodeNetwork n = new NodeNetwork();
        try {
            n.addNamespace(n.node);
            n.ip("-n", n.node, "link", "set", "lo", "up");
            n.ip("-n", n.node, "link", "add", "cnio0", "type", "bridge");
            n.ip("-n", n.node, "addr", "add", NODE_BRIDGE_IP + "/24", "dev", "cnio0");
            n.ip("-n", n.node, "link", "set", "cnio0", "up");
            // The node's own traffic to a cluster IP needs a route before nat OUTPUT can DNAT it
            // (on a real node the default route plays this part).
            n.ip("-n", n.node, "route", "add", "10.32.0.0/24", "dev", "cnio0");
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    public String nodeNetns() {
        return node;
    }

    /** A pod namespace on the bridge with address {@code podIp} (in 10.200.0.0/24). */
    public String addPod(String podIp) {
        String pod = "kjp-" + id + "-pod" + (++pods);
        String hostVeth = "veth" + pods;
        addNamespace(pod);
        ip("-n", pod, "link", "set", "lo", "up");
        ip("-n", node, "link", "add", hostVeth, "type", "veth", "peer", "name", "eth0", "netns", pod);
        ip("-n", node, "link", "set", hostVeth, "master", "cnio0", "up");
        // Hairpin mode (the CNI bridge plugin's "hairpinMode": true): with br_netfilter, a packet
        // DNATed back to the pod that sent it leaves through the port it came in on.
        ip("-n", node, "link", "set", hostVeth, "type", "bridge_slave", "hairpin", "on");
        ip("-n", pod, "addr", "add", podIp + "/24", "dev", "eth0");
        ip("-n", pod, "link", "set", "eth0", "up");
        ip("-n", pod, "route", "add", "default", "via", NODE_BRIDGE_IP);
        return pod;
    }

    /**
     * A client namespace outside the pod network (10.99.0.2), routed to the service range through
     * the node (10.99.0.1), which forwards: its traffic takes the nat PREROUTING path.
     */
    public String addClient() {
        client = "kjp-" + id + "-client";
        addNamespace(client);
        ip("-n", client, "link", "set", "lo", "up");
        ip("-n", node, "link", "add", "vethc", "type", "veth", "peer", "name", "eth0", "netns", client);
        ip("-n", node, "addr", "add", "10.99.0.1/30", "dev", "vethc");
        ip("-n", node, "link", "set", "vethc", "up");
        ip("-n", client, "addr", "add", "10.99.0.2/30", "dev", "eth0");
        ip("-n", client, "link", "set", "eth0", "up");
        ip("-n", client, "route", "add", "default", "via", "10.99.0.1");
        enableForwarding();
        return client;
    }

    /** Lets the node route between its interfaces (as a real node with pods does). */
    public void enableForwarding() {
        run("ip", "netns", "exec", node, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    }

    /**
     * A TCP server in {@code netns} on {@code port} that answers each connection with
     * "{@code reply} &lt;peer address&gt;" and closes it.
     */
    public void startServer(String netns, int port, String reply) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", netns, "socat",
                    "TCP-LISTEN:" + port + ",reuseaddr,fork",
                    "SYSTEM:echo " + reply + " $SOCAT_PEERADDR")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            servers.add(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UDP server in {@code netns} on {@code port} that answers each datagram with {@code reply}. */
    public void startUdpServer(String netns, int port, String reply) {
        try {
            servers.add(new ProcessBuilder("ip", "netns", "exec", netns, "socat",
                    "UDP-RECVFROM:" + port + ",reuseaddr,fork", "SYSTEM:echo " + reply)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends one UDP datagram from {@code netns}, always from source port {@code sourcePort} (as a
     * resolver reusing its socket would), and returns the first reply ("" if none within a second).
     */
    public String udpQuery(String netns, String ip, int port, int sourcePort) {
        Result r = run(false, "ip", "netns", "exec", netns, "sh", "-c",
                "echo q | socat -T 1 -t 1 - UDP:" + ip + ":" + port + ",sourceport=" + sourcePort + ",reuseaddr");
        return r.out.strip();
    }

    /** Outcome of one TCP connection attempt from inside a namespace. */
    public record Connection(int exitCode, String reply, String error) {
        public boolean refused() {
            return error.contains("Connection refused");
        }
    }

    /** Connects from {@code netns} to ip:port and reads the reply (bounded by a few seconds). */
    public Connection connect(String netns, String ip, int port) {
        Result r = run(false, "ip", "netns", "exec", netns, "socat", "-T", "3", "-t", "2",
                "STDIO", "TCP:" + ip + ":" + port + ",connect-timeout=3");
        return new Connection(r.code, r.out.strip(), r.err.strip());
    }

    /** Runs a command inside {@code netns}; fails on a non-zero exit. */
    public String exec(String netns, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        all.addAll(List.of(command));
        return run(all.toArray(String[]::new));
    }

    @Override
    public void close() {
        for (Process p : servers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Deleting a namespace removes its interfaces, bridge, routes and iptables rules.
        for (String ns : namespaces.reversed()) {
            run(false, "ip", "netns", "del", ns);
        }
    }

    private void addNamespace(String ns) {
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    private void ip(String... args) {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        run(all.toArray(String[]::new));
    }

    private String run(String... command) {
        Result r = run(true, command);
        return r.out;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = read(p.getInputStream());
            CompletableFuture<String> err = read(p.getErrorStream());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out");
            }
            Result r = new Result(p.exitValue(), out.join(), err.join());
            if (check && r.code != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + r.code + "): " + r.err);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }
}
