package io.kubej.apiserver.registry.coordination;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.coordination.lease.LeaseStrategy;
import java.util.List;

/** The coordination.k8s.io/v1 group: Leases, for leader election and node heartbeats. */
public final class CoordinationResources {
    private CoordinationResources() {
    }

    public static List<Resource> resources() {
        return List.of(Resource.builder("coordination.k8s.io", "v1", "Lease").model(Lease.class)
                .strategy(new LeaseStrategy()).table(LeaseStrategy.table()).build());
    }
}
