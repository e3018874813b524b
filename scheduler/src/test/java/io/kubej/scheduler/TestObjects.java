package io.kubej.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/** Nodes and pods for scheduler tests. */
public final class TestObjects {
    private TestObjects() {
    }

    public static Node node(String name, String cpu, String memory, int pods) {
        return new NodeBuilder()
                .withNewMetadata().withName(name).withResourceVersion("1").endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus()
                    .addToAllocatable("cpu", new Quantity(cpu))
                    .addToAllocatable("memory", new Quantity(memory))
                    .addToAllocatable("pods", new Quantity(String.valueOf(pods)))
                .endStatus()
                .build();
    }

    public static Pod pod(String name, String cpu, String memory) {
        var container = new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("c").withImage("busybox");
        if (cpu != null || memory != null) {
            var req = new java.util.HashMap<String, Quantity>();
            if (cpu != null) {
                req.put("cpu", new Quantity(cpu));
            }
            if (memory != null) {
                req.put("memory", new Quantity(memory));
            }
            container.withNewResources().withRequests(req).endResources();
        }
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name).endMetadata()
                .withNewSpec().withContainers(container.build()).withSchedulerName("default-scheduler").endSpec()
                .build();
    }

    public static Pod onNode(Pod pod, String node) {
        pod.getSpec().setNodeName(node);
        return pod;
    }
}
