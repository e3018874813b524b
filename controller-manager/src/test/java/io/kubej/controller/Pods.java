package io.kubej.controller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;

/** Test pods, built the way the kubelet would report them. */
public final class Pods {
    private Pods() {
    }

    public static PodBuilder pod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
                    .withCreationTimestamp("2026-01-01T00:00:00Z").addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").endStatus();
    }

    public static Pod running(String name, String node, boolean ready, Instant readySince) {
        return pod(name)
                .editSpec().withNodeName(node).endSpec()
                .editStatus().withPhase("Running").withPodIP("10.200.0." + (Math.abs(name.hashCode()) % 200 + 2))
                    .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                        .withLastTransitionTime(readySince.toString()).endCondition()
                .endStatus()
                .build();
    }
}
