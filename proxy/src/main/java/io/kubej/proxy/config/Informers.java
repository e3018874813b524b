package io.kubej.proxy.config;

import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informer error policy shared by kube-proxy's informers.
 *
 * <p>Why: by default a fabric8 informer gives up if its first list fails (e.g. the API server is
 * still starting); upstream's reflector retries forever. Only an object that cannot be decoded
 * is treated as fatal, since retrying would not help.
 */
final class Informers {
    private static final Logger log = LoggerFactory.getLogger(Informers.class);

    private Informers() {
    }

    /**
     * Calls {@code synced} once the informer has listed everything, however many retries that
     * takes (start()'s future alone does not say, once failures are retried). Waits on a
     * virtual thread, checking the informer's own flag; stops when the informer is stopped.
     */
    static void whenSynced(SharedIndexInformer<?> informer, Runnable synced) {
        Thread.ofVirtual().name("informer-sync-wait").start(() -> {
            try {
                while (!informer.hasSynced()) {
                    if (informer.stopped().toCompletableFuture().isDone()) {
                        return;
                    }
                    Thread.sleep(50);
                }
                synced.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    static ExceptionHandler retryUnlessUndecodable(String what) {
        return (started, t) -> {
            if (ExceptionHandler.isDeserializationException(t)) {
                log.error("cannot decode {} from the API server, giving up: {}", what, t.toString());
                return false;
            }
            // fabric8 logs the failure itself (at warn)
            log.debug("failed to {} {}, will retry: {}", started ? "watch" : "list", what, t.toString());
            return true;
        };
    }
}
