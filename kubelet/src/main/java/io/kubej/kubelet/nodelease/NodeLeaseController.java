package io.kubej.kubelet.nodelease;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's heartbeat Lease (KEP-589, upstream pkg/kubelet/nodelease + component-helpers
 * lease controller): {@code kube-node-lease/<node>}, holder = node name, renewed every 10 s.
 *
 * <p>Why a Lease besides the Node status: renewing a tiny Lease is much cheaper for the API
 * server than rewriting the whole Node status; the node lifecycle controller reads both. To keep
 * it cheap, a renewal does not read the Node: the Node's uid (for the Lease's owner reference,
 * so the Lease goes with its Node) is cached, and looked up again only when it may have changed.
 */
public final class NodeLeaseController {
    public static final String NAMESPACE = "kube-node-lease";

    private final KubernetesClient client;
    private final String nodeName;
    private final int leaseDurationSeconds;
    /** The uid of the Node this Lease belongs to; null until known or after the Node vanished. */
    private volatile String nodeUid;

    public NodeLeaseController(KubernetesClient client, String nodeName, int leaseDurationSeconds) {
        this.client = client;
        this.nodeName = nodeName;
        this.leaseDurationSeconds = leaseDurationSeconds;
    }

    /**
     * Tells the controller the Node as the kubelet just read or registered it (the node status
     * loop reads it anyway), so a recreated Node's new uid reaches the owner reference.
     */
    public void nodeObserved(Node node) {
        if (node != null && nodeName.equals(node.getMetadata().getName())) {
            nodeUid = node.getMetadata().getUid();
        }
    }

    /**
     * Creates the Lease, or renews it. Returns false when the Node is not registered (yet), so
     * there is nothing to own the Lease.
     */
    public boolean renew() {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        var leases = client.resources(Lease.class).inNamespace(NAMESPACE);
        Lease existing = leases.withName(nodeName).get();
        if (existing == null) {
            // First renewal, or the Node was deleted (and the Lease with it, by the garbage
            // collector) and perhaps recreated: read the Node's uid afresh.
            String uid = refreshNodeUid();
            if (uid == null) {
                return false;
            }
            Lease lease = new LeaseBuilder().withNewMetadata().withName(nodeName).withNamespace(NAMESPACE)
                    .withOwnerReferences(nodeOwner(uid)).endMetadata()
                    .withNewSpec().withHolderIdentity(nodeName).withLeaseDurationSeconds(leaseDurationSeconds)
                    .withRenewTime(now).endSpec().build();
            leases.resource(lease).create();
            return true;
        }
        String uid = nodeUid != null ? nodeUid : refreshNodeUid();
        if (uid == null) {
            return false;
        }
        LeaseBuilder renewed = new LeaseBuilder(existing).editSpec().withHolderIdentity(nodeName)
                .withLeaseDurationSeconds(leaseDurationSeconds).withRenewTime(now).endSpec();
        if (!ownedBy(existing, uid)) {
            // no owner yet, or the owner is a Node of this name that no longer exists
            List<OwnerReference> owners = new ArrayList<>(existing.getMetadata().getOwnerReferences().stream()
                    .filter(o -> !"Node".equals(o.getKind())).toList());
            owners.add(nodeOwner(uid));
            renewed.editMetadata().withOwnerReferences(owners).endMetadata();
        }
        leases.resource(renewed.build()).update();
        return true;
    }

    /** GETs the Node for its uid (null on 404: not registered, or deleted) and caches it. */
    private String refreshNodeUid() {
        Node node = client.nodes().withName(nodeName).get();
        nodeUid = node == null ? null : node.getMetadata().getUid();
        return nodeUid;
    }

    private static boolean ownedBy(Lease lease, String uid) {
        return lease.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> "Node".equals(o.getKind()) && uid.equals(o.getUid()));
    }

    private OwnerReference nodeOwner(String uid) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node").withName(nodeName).withUid(uid).build();
    }
}
