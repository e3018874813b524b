package io.kubej.controller.ttlafterfinished;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.kubej.controller.KeyedController;
import io.kubej.controller.Keys;
import io.kubej.controller.PodUtil;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The TTL-after-finished controller (upstream: pkg/controller/ttlafterfinished,
 * {@code ttl-after-finished-controller} service account): a Job with
 * {@code spec.ttlSecondsAfterFinished} is deleted that many seconds after it finished (its
 * Complete or Failed condition turned True), with foreground propagation so that its pods go
 * first. Keys are Job keys; a Job not due yet is looked at again when it is.
 *
 * <p>Before deleting, the Job is read again from the API server, as upstream does: the cache may
 * be stale, and a user may have just changed or removed the TTL to keep the Job.
 */
public final class TtlAfterFinishedController extends KeyedController {
    public static final String NAME = "ttl-after-finished-controller";

    private final KubernetesClient client;
    private final Lister<Job> jobs;

    public TtlAfterFinishedController(KubernetesClient client, SharedIndexInformer<Job> informer) {
        super(NAME, List.of(informer));
        this.client = client;
        this.jobs = new Lister<>(informer.getIndexer());
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job j) {
                enqueueIfNeeded(j);
            }

            @Override
            public void onUpdate(Job o, Job n) {
                enqueueIfNeeded(n);
            }

            @Override
            public void onDelete(Job j, boolean unknown) {
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    private void enqueueIfNeeded(Job job) {
        if (needsCleanup(job)) {
            queue.add(Keys.of(job));
        }
    }

    /** Upstream's needsCleanup: a TTL, finished, and not being deleted already. */
    static boolean needsCleanup(Job job) {
        return job.getSpec() != null && job.getSpec().getTtlSecondsAfterFinished() != null
                && job.getMetadata().getDeletionTimestamp() == null && finishedAt(job) != null;
    }

    /** When the Job finished: its Complete or Failed condition's transition to True, else null. */
    static Instant finishedAt(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        for (JobCondition c : job.getStatus().getConditions()) {
            if (("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())) {
                Instant at = PodUtil.parseTime(c.getLastTransitionTime());
                return at != null ? at : PodUtil.parseTime(job.getStatus().getCompletionTime());
            }
        }
        return null;
    }

    /** How long until {@code job} expires at {@code now}: zero or less means it is due. */
    static Duration timeLeft(Job job, Instant now) {
        Instant expireAt = finishedAt(job).plusSeconds(job.getSpec().getTtlSecondsAfterFinished());
        return Duration.between(now, expireAt);
    }

    @Override
    protected void syncHandler(String key) {
        Job cached = jobs.namespace(Keys.namespace(key)).get(Keys.name(key));
        if (cached == null || !needsCleanup(cached)) {
            return;
        }
        Duration left = timeLeft(cached, Instant.now());
        if (left.isPositive()) {
            queue.addAfter(key, left);
            return;
        }
        Job fresh = client.batch().v1().jobs().inNamespace(Keys.namespace(key)).withName(Keys.name(key)).get();
        if (fresh == null || !fresh.getMetadata().getUid().equals(cached.getMetadata().getUid()) || !needsCleanup(fresh)) {
            return;
        }
        left = timeLeft(fresh, Instant.now());
        if (left.isPositive()) {
            queue.addAfter(key, left);
            return;
        }
        log.info("Cleaning up Job {}: finished {} s ago, ttlSecondsAfterFinished {}", key,
                Duration.between(finishedAt(fresh), Instant.now()).toSeconds(), fresh.getSpec().getTtlSecondsAfterFinished());
        client.batch().v1().jobs().inNamespace(Keys.namespace(key)).withName(Keys.name(key))
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    }
}
