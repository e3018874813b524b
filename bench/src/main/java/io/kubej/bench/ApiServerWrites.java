package io.kubej.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.netty.GrpcSslContexts;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast the API server stores objects, beside how fast etcd stores the same bytes.
 *
 * <p>The measured path: {@code POST /api/v1/namespaces/default/configmaps} through the fabric8
 * client with the admin's client certificate (one keep-alive connection pool), i.e. TLS ->
 * decode -> authenticate -> authorize (RBAC) -> admit -> validate -> store (an etcd transaction
 * over mutual TLS) -> encode. The floor: the same number of jetcd puts of a value as large as
 * the ConfigMap the API server stored, to the same etcd, with the same client certificate the
 * API server uses ({@code kubernetes.pem}). The gap between the two is what the API server adds.
 *
 * <p>Both run against {@link TestControlPlane#startHardWay}: the real etcd and the real
 * kube-apiserver process with the hard way's flags, on free loopback ports.
 */
@Command(name = "apiserver-writes", mixinStandardHelpOptions = true,
        description = "ConfigMap creates through kube-apiserver vs direct etcd puts of the same size (floor).")
public final class ApiServerWrites implements Callable<Integer> {

    @Option(names = "-n", defaultValue = "500", description = "Writes per path (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "-c", defaultValue = "1",
            description = "Concurrent writers; above 1, measured in addition to the sequential run (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--warmup", defaultValue = "100", description = "Unmeasured writes per path first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rate", defaultValue = "0",
            description = "Also send creates at this fixed rate per second (open loop) and report their latency (default: off).")
    int rate;

    /**
     * One measured path beside its floor, at one concurrency, with the API server's own mean
     * time per create (from its apiserver_request_duration_seconds): the rest of the client's
     * latency is the client, TLS and the network.
     */
    public record Comparison(int concurrency, Latencies floor, Latencies apiserver, double serverMeanMillis) {
    }

    /** The stored ConfigMap's size in etcd (the floor writes values of this size), the comparisons, and the fixed-rate run (or null). */
    public record Result(int valueBytes, List<Comparison> comparisons, Latencies atRate) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("kubej-bench-apiserver-");
        try {
            Result r = measure(dir, n, concurrency, warmup, rate, System.out);
            print(r, System.out);
        } finally {
            Bench.deleteTree(dir);
        }
        return 0;
    }

    /** Starts etcd + kube-apiserver under {@code dir}, measures both paths, stops them again. */
    public static Result measure(Path dir, int n, int concurrency, int warmup, PrintStream log) throws Exception {
        return measure(dir, n, concurrency, warmup, 0, log);
    }

    public static Result measure(Path dir, int n, int concurrency, int warmup, int rate, PrintStream log) throws Exception {
        log.println("starting etcd (mTLS) and kube-apiserver under " + dir);
        try (TestControlPlane cp = TestControlPlane.startHardWay(dir, List.of());
                Client etcd = etcdClient(cp.etcdClientUrl(), cp.pki())) {
            KubernetesClient api = cp.client();
            List<Integer> levels = concurrency > 1 ? List.of(1, concurrency) : List.of(1);
            List<Comparison> comparisons = new ArrayList<>();
            // warm up both paths (JIT, connections, etcd's first compaction of nothing)
            createConfigMaps(api, "warmup", warmup, 1);
            byte[] value = storedValue(etcd.getKVClient(), "warmup-0");
            putValues(etcd.getKVClient(), "warmup", warmup, 1, value);
            for (int c : levels) {
                log.printf("measuring %d writes per path with %d writer(s)%n", n, c);
                ServerTimes before = ServerTimes.scrape(api, "CREATE", "configmaps");
                Latencies apiserver = createConfigMaps(api, "c" + c, n, c);
                double serverMean = ServerTimes.scrape(api, "CREATE", "configmaps").meanMillisSince(before);
                Latencies floor = putValues(etcd.getKVClient(), "c" + c, n, c, value);
                comparisons.add(new Comparison(c, floor, apiserver, serverMean));
            }
            Latencies atRate = null;
            if (rate > 0) {
                log.printf("measuring %d creates sent at %d per second%n", n, rate);
                atRate = createAtRate(api, n, rate);
            }
            return new Result(value.length, comparisons, atRate);
        }
    }

    /** {@code n} ConfigMap creates through the API server, named {@code <prefix>-<i>}. */
    private static Latencies createConfigMaps(KubernetesClient api, String prefix, int n, int concurrency) throws Exception {
        return Latencies.measure("API create, c=" + concurrency, n, concurrency, i -> api.configMaps().inNamespace("default")
                .resource(new ConfigMapBuilder().withNewMetadata().withName(prefix + "-" + i).endMetadata()
                        .addToData("key", "value-" + i).build())
                .create());
    }

    /**
     * {@code n} creates started on a fixed schedule of {@code rate} per second, each on its own
     * virtual thread (an open loop: a slow answer does not delay the next request, so queueing
     * shows in the latency instead of lowering the rate).
     */
    private static Latencies createAtRate(KubernetesClient api, int n, int rate) throws Exception {
        long[] nanos = new long[n];
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long due = start + i * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                int index = i;
                all.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    api.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                            .withName("rate-" + index).endMetadata().addToData("key", "value").build()).create();
                    nanos[index] = System.nanoTime() - t0;
                    return null;
                }));
            }
            for (var f : all) {
                f.get();
            }
        }
        return new Latencies("API create at " + rate + "/s", nanos, System.nanoTime() - start);
    }

    /** {@code n} direct puts of {@code value} to etcd, outside the API server's key space. */
    private static Latencies putValues(KV kv, String prefix, int n, int concurrency, byte[] value) throws Exception {
        ByteSequence v = ByteSequence.from(value);
        return Latencies.measure("etcd put (floor), c=" + concurrency, n, concurrency,
                i -> kv.put(ByteSequence.from("/kubej-bench/" + prefix + "/" + i, StandardCharsets.UTF_8), v).get());
    }

    /** The bytes the API server stored for a ConfigMap in {@code default} (key as upstream: /registry/configmaps/NS/NAME). */
    private static byte[] storedValue(KV kv, String name) throws Exception {
        List<KeyValue> kvs = kv.get(ByteSequence.from("/registry/configmaps/default/" + name, StandardCharsets.UTF_8))
                .get().getKvs();
        if (kvs.isEmpty()) {
            throw new IllegalStateException("the API server did not store configmap default/" + name + " where expected");
        }
        return kvs.get(0).getValue().getBytes();
    }

    /** A jetcd client with the API server's own etcd client certificate, built as the API server builds its client. */
    private static Client etcdClient(String etcdUrl, Path pki) throws IOException {
        return Client.builder().endpoints(etcdUrl)
                .sslContext(GrpcSslContexts.forClient()
                        .trustManager(pki.resolve("ca.pem").toFile())
                        .keyManager(pki.resolve("kubernetes.pem").toFile(), pki.resolve("kubernetes-key.pem").toFile())
                        .build())
                .build();
    }

    public static void print(Result r, PrintStream out) {
        out.printf("%napiserver-writes: ConfigMap creates vs etcd puts of the same %d bytes (etcd over mTLS, loopback)%n",
                r.valueBytes());
        for (Comparison c : r.comparisons()) {
            Latencies.printTable(out, c.floor(), c.apiserver());
            out.printf("  %-34s %10s %10.2f%n", "  of which in the API server (mean)", "", c.serverMeanMillis());
        }
        if (r.atRate() != null) {
            out.printf("  %-34s %10.1f %10.2f %10.2f%n", r.atRate().name() + " (n=" + r.atRate().count() + ")",
                    r.atRate().opsPerSecond(), r.atRate().p50(), r.atRate().p99());
        }
    }
}
