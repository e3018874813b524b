package io.kubej.kubelet.pleg;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubej.kubelet.container.PodStatus;
import io.kubej.kubelet.container.RunningPod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenericPlegTest {
    final List<List<RunningPod>> relists = new ArrayList<>();
    final List<String> enqueued = new ArrayList<>();
    final PodCache cache = new PodCache();
    final GenericPleg pleg = new GenericPleg(() -> relists.removeFirst(), cache, p -> enqueued.add(p.key()));

    static RunningPod pod(String uid, String containerState) {
        return new RunningPod(uid, "default", "pod-" + uid, Map.of("s-" + uid, "SANDBOX_READY"), Map.of("c-" + uid, containerState));
    }

    @Test
    void onlyPodsWhoseContainersChangedAreEnqueued() {
        relists.add(List.of(pod("a", "CONTAINER_RUNNING"), pod("b", "CONTAINER_RUNNING")));
        relists.add(List.of(pod("a", "CONTAINER_RUNNING"), pod("b", "CONTAINER_EXITED")));
        relists.add(List.of(pod("a", "CONTAINER_RUNNING"), pod("b", "CONTAINER_EXITED")));
        pleg.relist();
        assertThat(enqueued).containsExactly("default/pod-a", "default/pod-b");
        enqueued.clear();
        pleg.relist();
        assertThat(enqueued).containsExactly("default/pod-b");
        enqueued.clear();
        pleg.relist();
        assertThat(enqueued).isEmpty();
    }

    @Test
    void aPodWhoseSandboxAndContainersVanishedIsEnqueuedOnce() {
        relists.add(List.of(pod("a", "CONTAINER_RUNNING")));
        relists.add(List.of());
        relists.add(List.of());
        pleg.relist();
        enqueued.clear();
        pleg.relist();
        pleg.relist();
        assertThat(enqueued).containsExactly("default/pod-a");
        assertThat(pleg.runningPods()).isEmpty();
    }

    @Test
    void aChangeMakesTheCachedStatusStaleEvenIfAnOlderInspectionIsStoredLater() {
        long inspectedBefore = System.nanoTime();
        relists.add(List.of(pod("a", "CONTAINER_RUNNING")));
        pleg.relist();
        // a worker that inspected before the relist saw the change stores its (older) result afterwards
        cache.set(PodStatus.empty("a"), inspectedBefore);
        assertThat(cache.get("a")).isNull();
        cache.set(PodStatus.empty("a"), System.nanoTime());
        assertThat(cache.get("a")).isEqualTo(PodStatus.empty("a"));
    }
}
