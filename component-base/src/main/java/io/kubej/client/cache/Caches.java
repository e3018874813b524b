package io.kubej.client.cache;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;

/**
 * client-go's {@code cache.WaitForCacheSync}: a component does nothing with its informers'
 * caches until every one of them has listed what the API server holds, or it would act on a
 * partial picture (a ReplicaSet controller that has seen half the pods creates the other half
 * again). Upstream waits for ever; kubej gives up after a timeout so that a component that can
 * never sync fails loudly instead of hanging.
 */
public final class Caches {
    private static final long POLL_MILLIS = 50;

    private Caches() {
    }

    /**
     * Blocks until every informer has synced; throws {@link IllegalStateException} naming
     * {@code who} if that takes longer than {@code timeout}.
     */
    public static void waitForCacheSync(String who, Duration timeout, List<? extends SharedIndexInformer<?>> informers)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!informers.stream().allMatch(SharedIndexInformer::hasSynced)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + ": caches did not sync within " + timeout);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
