package io.kubej.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.grpc.netty.GrpcSslContexts;
import io.kubej.testcluster.controlplane.TestControlPlane;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast the API server answers reads, beside etcd answering the same reads.
 *
 * <p>LIST: {@code pods} objects (JSON as the API server stores them) are written straight to
 * etcd under {@code /registry/pods/bench/}, then listed through the API server from the watch
 * cache ({@code ?resourceVersion=0}, what informers ask first) and from etcd (no
 * resourceVersion), and as the floor with one jetcd range read of the same keys.
 *
 * <p>WATCH: {@code watchers} clients watch ConfigMaps in one namespace through the fabric8 client
 * (WebSocket), {@code events} ConfigMaps are created, and every watcher must receive every
 * event in creation order; the latency of each delivery (create acknowledged to event seen)
 * is reported.
 */
@Command(name = "apiserver-reads", mixinStandardHelpOptions = true,
        description = "LIST from the watch cache and from etcd vs a raw etcd range; watch fan-out to many watchers.")
public final class ApiServerReads implements Callable<Integer> {
    @Option(names = "--pods", defaultValue = "10000", description = "Pods to list (default: ${DEFAULT-VALUE}).")
    int pods;

    @Option(names = "--lists", defaultValue = "20", description = "LISTs per path (default: ${DEFAULT-VALUE}).")
    int lists;

    @Option(names = "--watchers", defaultValue = "100", description = "Concurrent watchers (default: ${DEFAULT-VALUE}).")
    int watchers;

    @Option(names = "--events", defaultValue = "1000", description = "Events each watcher must receive (default: ${DEFAULT-VALUE}).")
    int events;

    /** The LIST comparison, and the watch fan-out: deliveries in order, and each delivery's latency. */
    public record Result(int pods, Latencies floor, Latencies fromEtcd, double etcdServerMillis, Latencies fromCache,
                         double cacheServerMillis, int watchers, int events, long deliveredInOrder, Latencies delivery) {
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("kubej-bench-reads-");
        try {
            print(measure(dir, pods, lists, watchers, events, System.out), System.out);
        } finally {
            Bench.deleteTree(dir);
        }
        return 0;
    }

    public static Result measure(Path dir, int pods, int lists, int watchers, int events, PrintStream log) throws Exception {
        log.println("starting etcd (mTLS) and kube-apiserver under " + dir);
        try (TestControlPlane cp = TestControlPlane.startHardWay(dir, List.of());
                Client etcd = Client.builder().endpoints(cp.etcdClientUrl()).sslContext(GrpcSslContexts.forClient()
                        .trustManager(cp.pki().resolve("ca.pem").toFile())
                        .keyManager(cp.pki().resolve("kubernetes.pem").toFile(), cp.pki().resolve("kubernetes-key.pem").toFile())
                        .build()).build()) {
            KubernetesClient api = cp.client();
            api.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
            log.printf("writing %d pods to etcd%n", pods);
            writePods(etcd, pods);
            awaitCached(api, pods);
            String path = "/api/v1/namespaces/bench/pods";
            log.printf("measuring %d LISTs per path%n", lists);
            ByteSequence prefix = ByteSequence.from("/registry/pods/bench/", StandardCharsets.UTF_8);
            GetOption range = GetOption.builder().isPrefix(true).build();
            etcd.getKVClient().get(prefix, range).get(); // warm-up
            Latencies floor = Latencies.measure("etcd range (floor)", lists, 1, i -> etcd.getKVClient().get(prefix, range).get());
            ServerTimes t0 = ServerTimes.scrape(api, "LIST", "pods");
            Latencies fromEtcd = Latencies.measure("API LIST, etcd", lists, 1, i -> api.raw(path));
            ServerTimes t1 = ServerTimes.scrape(api, "LIST", "pods");
            Latencies fromCache = Latencies.measure("API LIST rv=0, cache", lists, 1, i -> api.raw(path + "?resourceVersion=0"));
            ServerTimes t2 = ServerTimes.scrape(api, "LIST", "pods");
            log.printf("measuring %d watchers x %d events%n", watchers, events);
            WatchResult w = watchFanOut(api, watchers, events);
            return new Result(pods, floor, fromEtcd, t1.meanMillisSince(t0), fromCache, t2.meanMillisSince(t1),
                    watchers, events, w.inOrder(), w.delivery());
        }
    }

    /** A small pod as the API server would store it (JSON, no resourceVersion), written by 8 writers. */
    private static void writePods(Client etcd, int n) throws Exception {
        Latencies.measure("write", n, 8, i -> {
            String name = "pod-" + i;
            String json = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"bench\","
                    + "\"uid\":\"00000000-0000-0000-0000-" + String.format("%012d", i) + "\",\"labels\":{\"app\":\"bench\"},"
                    + "\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"nodeName\":\"worker-0\",\"containers\":[{\"name\":\"c\","
                    + "\"image\":\"busybox\",\"resources\":{}}],\"restartPolicy\":\"Always\"},\"status\":{\"phase\":\"Running\","
                    + "\"podIP\":\"10.200.0." + (i % 250) + "\"}}";
            etcd.getKVClient().put(ByteSequence.from("/registry/pods/bench/" + name, StandardCharsets.UTF_8),
                    ByteSequence.from(json, StandardCharsets.UTF_8)).get();
        });
    }

    private static void awaitCached(KubernetesClient api, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String list = api.raw("/api/v1/namespaces/bench/pods?resourceVersion=0");
            if (list != null && list.split("\"kind\":\"Pod\"", -1).length - 1 >= n) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the watch cache did not see " + n + " pods within 60 s");
    }

    record WatchResult(long inOrder, Latencies delivery) {
    }

    private static WatchResult watchFanOut(KubernetesClient api, int watchers, int events) throws Exception {
        String ns = "fanout";
        api.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        java.util.concurrent.atomic.AtomicLongArray createdAt = new java.util.concurrent.atomic.AtomicLongArray(events);
        long[] deliveries = new long[watchers * events];
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger inOrder = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        CountDownLatch allSeen = new CountDownLatch(watchers);
        List<Watch> open = new ArrayList<>();
        for (int w = 0; w < watchers; w++) {
            int[] next = {0};
            open.add(api.configMaps().inNamespace(ns).watch(new Watcher<ConfigMap>() {
                @Override
                public void eventReceived(Action action, ConfigMap cm) {
                    long now = System.nanoTime();
                    int i = Integer.parseInt(cm.getMetadata().getName().substring("e-".length()));
                    if (action == Action.ADDED && i == next[0]) {
                        inOrder.incrementAndGet();
                    } else {
                        failed.set(true);
                    }
                    next[0] = i + 1;
                    deliveries[delivered.getAndIncrement()] = now - createdAt.get(i);
                    if (i == events - 1) {
                        allSeen.countDown();
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    failed.set(true);
                }
            }));
        }
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            // stamped before the request: an event may arrive before the create's answer, and a
            // callback must never wait for it (it may run on the thread that reads that answer)
            createdAt.set(i, System.nanoTime());
            api.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("e-" + i).endMetadata().build()).create();
        }
        boolean complete = allSeen.await(120, TimeUnit.SECONDS);
        long wall = System.nanoTime() - start;
        open.forEach(Watch::close);
        if (!complete || failed.get()) {
            throw new IllegalStateException("watch fan-out lost or reordered events: " + inOrder.get() + " of " + (long) watchers * events);
        }
        return new WatchResult(inOrder.get(), new Latencies("watch delivery", Arrays.copyOf(deliveries, delivered.get()), wall));
    }

    public static void print(Result r, PrintStream out) {
        out.printf("%napiserver-reads: LIST of %d pods (JSON ~%s), etcd over mTLS, loopback%n", r.pods(), "0.5 KiB each");
        Latencies.printTable(out, r.floor(), r.fromEtcd());
        out.printf("  %-34s %10s %10.2f%n", "  of which in the API server (mean)", "", r.etcdServerMillis());
        Latencies.printTable(out, r.floor(), r.fromCache());
        out.printf("  %-34s %10s %10.2f%n", "  of which in the API server (mean)", "", r.cacheServerMillis());
        out.printf("%napiserver-reads: %d watchers x %d events: %d of %d delivered in order (%.1f s from first create to last delivery)%n",
                r.watchers(), r.events(), r.deliveredInOrder(), (long) r.watchers() * r.events(), r.delivery().wallNanos() / 1e9);
        out.printf("  delivery latency (create sent -> event received): p50 %.2f ms, p99 %.2f ms%n",
                r.delivery().p50(), r.delivery().p99());
    }
}
