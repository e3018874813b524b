package io.kubej.apiserver.storage.cacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.kubej.apiserver.api.FieldSelector;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.registry.generic.ListOptions;
import io.kubej.apiserver.registry.generic.WatchStream;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import io.kubej.apiserver.storage.etcd3.ResourceStorage;
import io.kubej.apiserver.storage.value.ResourceTransformers;
import io.kubej.testcluster.etcd.Etcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch cache against a real etcd: what it serves from memory, what it replays, and when it says 410. */
class CacherIT {
    @TempDir
    static Path dir;
    static Etcd etcd;
    static Etcd3Storage storage;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir.resolve("etcd"));
        etcd = Etcd.start(dir.resolve("etcd"), null);
        storage = new Etcd3Storage(Client.builder().endpoints(etcd.clientUrl()).build(), "/registry", ResourceTransformers.NONE);
    }

    @AfterAll
    static void stop() {
        storage.close();
        etcd.close();
    }

    static ObjectNode configMap(String ns, String name, String value) {
        ObjectNode o = Json.object();
        Json.metadata(o).put("name", name).put("namespace", ns);
        Json.obj(Json.metadata(o), "labels").put("app", "x");
        o.putObject("data").put("v", value);
        return o;
    }

    static ListOptions from(String rv) {
        return new ListOptions(LabelSelector.everything(), FieldSelector.everything(), rv, "", 0, null, false, null);
    }

    static List<String> drain(WatchStream w, int n) throws InterruptedException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WatchStream.WatchEvent e = w.next(5, TimeUnit.SECONDS);
            assertThat(e).as("event " + i).isNotNull();
            out.add(e.type() + " " + e.object().at("/metadata/name").asText() + " " + e.object().at("/data/v").asText());
        }
        return out;
    }

    @Test
    void aWatchResumesWithExactlyTheEventsAfterItsRevision() throws Exception {
        ResourceStorage rs = storage.forResource("", "resume", "resume", true);
        try (Cacher cache = new Cacher("resume", rs)) {
            cache.start();
            long rv1 = Long.parseLong(rs.create("a", "one", configMap("a", "one", "1")).orElseThrow().at("/metadata/resourceVersion").asText());
            rs.create("a", "two", configMap("a", "two", "2"));
            rs.create("b", "three", configMap("b", "three", "3"));
            try (WatchStream w = cache.watch("a", from(Long.toString(rv1)))) {
                assertThat(drain(w, 1)).containsExactly("ADDED two 2");
                assertThat(w.next(200, TimeUnit.MILLISECONDS)).as("namespace b is filtered out").isNull();
            }
            assertThat(cache.watcherCount()).isZero();
        }
    }

    @Test
    void aRevisionOlderThanTheWindowIs410Expired() throws Exception {
        ResourceStorage rs = storage.forResource("", "window", "window", true);
        try (Cacher cache = new Cacher("window", rs, new Cacher.Window(Duration.ZERO, 2, 10))) {
            cache.start();
            long first = Long.parseLong(rs.create("a", "c0", configMap("a", "c0", "0")).orElseThrow().at("/metadata/resourceVersion").asText());
            for (int i = 1; i < 6; i++) {
                rs.create("a", "c" + i, configMap("a", "c" + i, "" + i));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> cache.sizes().get("objects") == 6);
            assertThatThrownBy(() -> cache.watch("a", from(Long.toString(first))))
                    .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(410))
                    .hasMessageContaining("too old resource version: " + first);
        }
    }

    @Test
    void listAtZeroIsServedFromMemoryAndARevisionOfAnotherResourceDoesNotStall() throws Exception {
        ResourceStorage rs = storage.forResource("", "listing", "listing", true);
        ResourceStorage other = storage.forResource("", "other", "other", true);
        try (Cacher cache = new Cacher("listing", rs)) {
            cache.start();
            rs.create("a", "x", configMap("a", "x", "1"));
            long otherRv = Long.parseLong(other.create("a", "y", configMap("a", "y", "1")).orElseThrow().at("/metadata/resourceVersion").asText());
            long started = System.nanoTime();
            var page = cache.list(null, from(Long.toString(otherRv)), otherRv);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(page.revision()).isGreaterThanOrEqualTo(otherRv);
            assertThat(page.items()).extracting(o -> o.at("/metadata/name").asText()).containsExactly("x");
            assertThatThrownBy(() -> cache.list(null, from("999999"), 999999))
                    .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(504));
        }
    }

    @Test
    void aHundredWatchersEachGetAThousandEventsInOrder() throws Exception {
        ResourceStorage rs = storage.forResource("", "fanout", "fanout", true);
        try (Cacher cache = new Cacher("fanout", rs)) {
            cache.start();
            List<WatchStream> watchers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                watchers.add(cache.watch(null, from("")));
            }
            for (int i = 0; i < 1000; i++) {
                rs.create("a", "cm-" + i, configMap("a", "cm-" + i, Integer.toString(i)));
            }
            for (WatchStream w : watchers) {
                List<String> got = drain(w, 1000);
                for (int i = 0; i < 1000; i++) {
                    assertThat(got.get(i)).isEqualTo("ADDED cm-" + i + " " + i);
                }
                w.close();
            }
        }
    }

    @Test
    void theCompactorCompactsToTheRevisionOfItsPreviousRun() throws Exception {
        ResourceStorage rs = storage.forResource("", "compacted", "compacted", true);
        long early = Long.parseLong(rs.create("a", "one", configMap("a", "one", "1")).orElseThrow().at("/metadata/resourceVersion").asText());
        rs.create("a", "later", configMap("a", "later", "1")); // etcd keeps the compaction revision itself: be past early
        io.kubej.apiserver.storage.etcd3.Compactor compactor = io.kubej.apiserver.storage.etcd3.Compactor.start(storage, Duration.ZERO);
        compactor.runOnce(); // remembers the current revision, compacts nothing yet
        rs.checkNotCompacted("a", early);
        rs.create("a", "two", configMap("a", "two", "2"));
        compactor.runOnce(); // compacts to the revision of the first run
        assertThatThrownBy(() -> rs.checkNotCompacted("a", early)).isInstanceOf(Etcd3Storage.Compacted.class);
        compactor.close();
    }
}
