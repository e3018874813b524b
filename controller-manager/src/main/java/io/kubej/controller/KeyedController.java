package io.kubej.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubej.client.cache.Caches;
import io.kubej.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape of every kubej controller, as kubernetes/sample-controller's controller.go:
 * informers feed event handlers that only enqueue keys; {@link #run} waits for the caches to
 * sync, then N workers take keys off the {@link WorkQueue} and call {@link #syncHandler}.
 * Success forgets the key's failures; an exception re-queues it with per-item backoff.
 */
public abstract class KeyedController implements Controller {
    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final WorkQueue queue;
    private final List<SharedIndexInformer<?>> informers;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean synced;

    protected KeyedController(String name, List<SharedIndexInformer<?>> informers) {
        this.queue = new WorkQueue(name);
        this.informers = informers;
    }

    /**
     * The handler of a controller's own kind: every add, update and delete enqueues the
     * object's key (a sync of a deleted object finds it gone and cleans up).
     */
    protected <T extends HasMetadata> ResourceEventHandler<T> enqueueingHandler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                queue.add(Keys.of(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                queue.add(Keys.of(newObj));
            }

            @Override
            public void onDelete(T obj, boolean finalStateUnknown) {
                queue.add(Keys.of(obj));
            }
        };
    }

    /** Reconciles the object named by {@code key} to its desired state; idempotent. */
    protected abstract void syncHandler(String key) throws Exception;

    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        log.info("Starting {} controller", name());
        waitForCacheSync(cacheSyncTimeout);
        synced = true;
        for (int i = 0; i < workers; i++) {
            Thread t = Thread.ofPlatform().daemon().name(name() + "-worker-" + i).start(this::runWorker);
            this.workers.add(t);
        }
    }

    private void waitForCacheSync(Duration timeout) throws InterruptedException {
        Caches.waitForCacheSync(name(), timeout, informers);
        log.info("Caches are synced for {}", name());
    }

    private void runWorker() {
        while (processNextWorkItem()) {
            // keep going until the queue shuts down
        }
    }

    private boolean processNextWorkItem() {
        String key;
        try {
            key = queue.get();
        } catch (InterruptedException e) {
            return false;
        }
        if (key == null) {
            return false;
        }
        try {
            syncHandler(key);
            queue.forget(key);
        } catch (Exception e) {
            log.info("{}: error syncing {}, requeuing: {}", name(), key, e.toString());
            log.debug("{}: sync error detail", name(), e);
            queue.addRateLimited(key);
        } finally {
            queue.done(key);
        }
        return true;
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public void close() {
        queue.close();
        for (Thread t : workers) {
            t.interrupt();
        }
    }

}
