package io.kubej.controller.garbagecollector;

import io.kubej.client.workqueue.WorkQueue;
import java.util.LinkedHashSet;
import java.util.Set;

/** Test helper: takes everything a work queue holds right now. */
final class Queues {
    private Queues() {
    }

    static Set<String> drain(WorkQueue q) throws InterruptedException {
        Set<String> keys = new LinkedHashSet<>();
        while (q.len() > 0) {
            String k = q.get();
            keys.add(k);
            q.done(k);
        }
        return keys;
    }
}
