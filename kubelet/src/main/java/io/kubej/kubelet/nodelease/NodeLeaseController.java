package io.kubej.kubelet.nodelease;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The node's heartbeat Lease (KEP-589, upstream pkg/kubelet/nodelease + component-helpers
 * lease controller): {@code kube-node-lease/<node>}, holder = node name, renewed every 10 s.
 *
 * <p>Why a Lease besides the Node status: renewing a tiny Lease is much cheaper for the API
 * server than rewriting the whole Node status; the node lifecycle controller reads both.
 */
public final class NodeLeaseController {
    public static final String NAMESPACE = "kube-node-lease";

    private final KubernetesClient client;
    private final String nodeName;
    private final int leaseDurationSeconds;

    public NodeLeaseController(KubernetesClient client, String nodeName, int leaseDurationSeconds) {
        this.client = client;
        this.nodeName = nodeName;
        this.leaseDurationSeconds = leaseDurationSeconds;
    }

    /** Creates the Lease, or renews it (owner reference to the Node so it goes with it). */
    public void renew(Node node) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        var leases = client.resources(Lease.class).inNamespace(NAMESPACE);
        Lease existing = leases.withName(nodeName).get();
        if (existing == null) {
            Lease lease = new LeaseBuilder().withNewMetadata().withName(nodeName).withNamespace(NAMESPACE)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                            .withName(node.getMetadata().getName()).withUid(node.getMetadata().getUid()).build())
                    .endMetadata()
                    .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(leaseDurationSeconds)
                    .withRenewTime(now).endSpec().build();
            leases.resource(lease).create();
            return;
        }
        Lease renewed = new LeaseBuilder(existing).editSpec().withHolderIdentity(nodeName)
                .withLeaseDurationSeconds(leaseDurationSeconds).withRenewTime(now).endSpec().build();
        leases.resource(renewed).update();
    }
}
