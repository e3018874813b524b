package io.kubej.controller.nodeipam;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.client.cache.Caches;
import io.kubej.client.record.EventRecorder;
import io.kubej.controller.KeyedController;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Node IPAM (upstream: pkg/controller/nodeipam with the RangeAllocator, started by
 * {@code --allocate-node-cidrs}): gives every Node its own slice of {@code --cluster-cidr} in
 * {@code spec.podCIDR} / {@code spec.podCIDRs}, from which its kubelet and CNI plugin give pods
 * addresses (and, in the hard way, the routes between nodes are drawn).
 *
 * <p>A CIDR is never handed out twice: before any worker runs, every CIDR the existing Nodes hold
 * is marked used (so a restarted controller manager carries on where the last one stopped); a
 * Node's CIDRs are freed when it is deleted. A full range leaves the Node without one and
 * records a {@code CIDRNotAvailable} Event on it; the Node is retried with backoff.
 */
public final class NodeIpamController extends KeyedController {
    public static final String NAME = "node-ipam-controller";

    private final KubernetesClient client;
    private final SharedIndexInformer<Node> nodeInformer;
    private final Lister<Node> nodes;
    private final RangeAllocator allocator;
    private final EventRecorder recorder;

    public NodeIpamController(KubernetesClient client, SharedIndexInformer<Node> nodeInformer,
                              List<String> clusterCidrs, int ipv4MaskSize, int ipv6MaskSize) {
        super(NAME, List.of(nodeInformer));
        this.client = client;
        this.nodeInformer = nodeInformer;
        this.nodes = new Lister<>(nodeInformer.getIndexer());
        this.allocator = new RangeAllocator(clusterCidrs, ipv4MaskSize, ipv6MaskSize);
        // upstream's range allocator records its Events as "cidrAllocator"
        this.recorder = new EventRecorder(client, "cidrAllocator");
        nodeInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                queue.add(node.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node oldNode, Node newNode) {
                if (!Objects.equals(podCidrs(oldNode), podCidrs(newNode)) || podCidrs(newNode).isEmpty()) {
                    queue.add(newNode.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                queue.add(node.getMetadata().getName());
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Marks the CIDRs of every Node already in the cache as used before the workers start. */
    @Override
    public void run(int workers, Duration cacheSyncTimeout) throws InterruptedException {
        Caches.waitForCacheSync(NAME, cacheSyncTimeout, List.of(nodeInformer));
        for (Node node : nodes.list()) {
            List<String> cidrs = podCidrs(node);
            if (!cidrs.isEmpty()) {
                List<String> outside = allocator.occupy(node.getMetadata().getName(), cidrs);
                if (!outside.isEmpty()) {
                    log.warn("Node {} has pod CIDRs {} outside --cluster-cidr; left as they are", node.getMetadata().getName(), outside);
                }
            }
        }
        super.run(workers, cacheSyncTimeout);
    }

    @Override
    protected void syncHandler(String nodeName) {
        Node node = nodes.get(nodeName);
        if (node == null) {
            allocator.release(nodeName);
            return;
        }
        List<String> has = podCidrs(node);
        if (!has.isEmpty()) {
            allocator.occupy(nodeName, has);
            return;
        }
        List<String> cidrs;
        try {
            cidrs = allocator.allocate(nodeName);
        } catch (CidrRangeFullException e) {
            // upstream's RecordNodeStatusChange: the Event a user sees under `kubectl describe node`
            recorder.event(node, EventRecorder.NORMAL, "CIDRNotAvailable", "Node " + nodeName + " status is now: CIDRNotAvailable");
            throw e;
        }
        patchPodCidrs(node, cidrs);
    }

    /** Writes spec.podCIDR (the first, for readers that know one) and spec.podCIDRs. */
    private void patchPodCidrs(Node node, List<String> cidrs) {
        String name = node.getMetadata().getName();
        String patch = Serialization.asJson(Map.of("spec", Map.of("podCIDR", cidrs.get(0), "podCIDRs", cidrs)));
        try {
            client.nodes().resource(node).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            log.info("Set node {} PodCIDR to {}", name, cidrs);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                allocator.release(name); // deleted meanwhile
                return;
            }
            recorder.event(node, EventRecorder.NORMAL, "CIDRAssignmentFailed", "Node " + name + " status is now: CIDRAssignmentFailed");
            throw e;
        }
    }

    static List<String> podCidrs(Node node) {
        if (node.getSpec() == null) {
            return List.of();
        }
        List<String> cidrs = node.getSpec().getPodCIDRs();
        if (cidrs != null && !cidrs.isEmpty()) {
            return new ArrayList<>(cidrs);
        }
        String one = node.getSpec().getPodCIDR();
        return one == null || one.isEmpty() ? List.of() : List.of(one);
    }

    @Override
    public void close() {
        super.close();
        recorder.close();
    }
}
