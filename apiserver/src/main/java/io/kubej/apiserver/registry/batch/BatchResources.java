package io.kubej.apiserver.registry.batch;

import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.batch.cronjob.CronJobs;
import io.kubej.apiserver.registry.batch.job.Jobs;
import java.util.List;

/** The batch/v1 group (upstream {@code pkg/registry/batch/rest/storage_batch.go}). */
public final class BatchResources {
    private BatchResources() {
    }

    public static List<Resource> resources() {
        return List.of(Jobs.resource(), CronJobs.resource());
    }
}
