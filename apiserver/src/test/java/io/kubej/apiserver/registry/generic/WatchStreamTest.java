package io.kubej.apiserver.registry.generic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.FieldSelector;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.LabelSelector;
import io.kubej.apiserver.storage.etcd3.Etcd3Storage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which event a selecting watcher sees for each etcd event. */
class WatchStreamTest {
    static ObjectNode pod(String app, long rv) {
        ObjectNode o = Json.object();
        Json.obj(Json.metadata(o).put("name", "p").put("resourceVersion", Long.toString(rv)), "labels").put("app", app);
        return o;
    }

    static WatchStream watching(String selector) {
        return new WatchStream(List.of(), new ListOptions(LabelSelector.parse(selector), FieldSelector.everything(), "", "", 0, null, false, null), 1);
    }

    @Test
    void anObjectLeavingTheSelectionIsDeletedAsItLastMatched() throws Exception {
        WatchStream w = watching("app=web");
        w.offer(new Etcd3Storage.Event("ADDED", pod("web", 2), null, 2));
        w.offer(new Etcd3Storage.Event("MODIFIED", pod("db", 3), pod("web", 2), 3));
        w.offer(new Etcd3Storage.Event("MODIFIED", pod("db", 4), pod("db", 3), 4));
        w.offer(new Etcd3Storage.Event("MODIFIED", pod("web", 5), pod("db", 4), 5));
        assertThat(w.next(1, TimeUnit.SECONDS).type()).isEqualTo("ADDED");
        WatchStream.WatchEvent left = w.next(1, TimeUnit.SECONDS);
        assertThat(left.type()).isEqualTo("DELETED");
        assertThat(left.object().at("/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(left.object().at("/metadata/resourceVersion").asText()).isEqualTo("3");
        WatchStream.WatchEvent back = w.next(1, TimeUnit.SECONDS);
        assertThat(back.type()).as("the non-matching change is skipped; coming back is ADDED").isEqualTo("ADDED");
        assertThat(w.lastRevision()).isEqualTo(5);
    }

    @Test
    void aCompactionEndsTheStreamWithExpired() throws Exception {
        WatchStream w = watching("");
        w.offer(new Etcd3Storage.Compacted(7));
        WatchStream.WatchEvent e = w.next(1, TimeUnit.SECONDS);
        assertThat(e.type()).isEqualTo("ERROR");
        assertThat(e.object().path("code").asInt()).isEqualTo(410);
        assertThat(e.object().path("reason").asText()).isEqualTo("Expired");
        assertThat(w.done()).isTrue();
        assertThat(w.next(10, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aWatcherThatFallsTooFarBehindIsEndedInsteadOfBufferedWithoutBound() throws Exception {
        WatchStream w = watching("");
        for (int i = 0; i < WatchStream.CAPACITY + 5; i++) {
            w.offer(new Etcd3Storage.Event("ADDED", pod("web", i + 2), null, i + 2));
        }
        assertThat(w.next(100, TimeUnit.MILLISECONDS)).as("the backlog was dropped and the stream ends").isNull();
        assertThat(w.done()).isTrue();
    }
}
