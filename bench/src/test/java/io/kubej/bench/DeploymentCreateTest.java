package io.kubej.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment-create benchmark, small, against the real etcd, kube-apiserver and an in-process controller manager. */
class DeploymentCreateTest {
    @TempDir
    Path dir;

    @Test
    void aDeploymentIsTimedToAvailableBesideRawPodCreates() throws Exception {
        DeploymentCreate.Result r = DeploymentCreate.measure(dir, 20, 4, 5, System.out);
        DeploymentCreate.print(r, System.out);

        assertThat(r.replicas()).isEqualTo(20);
        assertThat(r.rawSequential().count()).isEqualTo(20);
        assertThat(r.rawConcurrent().count()).isEqualTo(20);
        assertThat(r.rawSequential().opsPerSecond()).isPositive();
        assertThat(r.allCreated()).isPositive().isLessThanOrEqualTo(r.available());
        assertThat(r.ratio()).isPositive();
        assertThat(r.rawServerMillis()).isPositive();
        assertThat(r.deploymentServerMillis()).isPositive();
        assertThat(r.deploymentRequests()).as("at least a create and a status update per pod").isGreaterThanOrEqualTo(40);
    }
}
