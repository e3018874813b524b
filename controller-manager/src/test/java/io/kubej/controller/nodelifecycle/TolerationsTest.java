package io.kubej.controller.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TolerationsTest {
    static final Taint UNREACHABLE = new TaintBuilder().withKey("node.kubernetes.io/unreachable").withEffect("NoExecute").build();
    static final Taint GPU = new TaintBuilder().withKey("dedicated").withValue("gpu").withEffect("NoExecute").build();

    static Toleration exists(String key, Long seconds) {
        return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect("NoExecute").withTolerationSeconds(seconds).build();
    }

    @Test
    void aPodWithoutTolerationsIsEvictedAtOnce() {
        assertThat(Tolerations.timeUntilEviction(List.of(), List.of(UNREACHABLE))).contains(Duration.ZERO);
    }

    @Test
    void aPodToleratingForSomeSecondsStaysThatLong() {
        assertThat(Tolerations.timeUntilEviction(List.of(exists("node.kubernetes.io/unreachable", 300L)), List.of(UNREACHABLE)))
                .contains(Duration.ofSeconds(300));
    }

    @Test
    void aTolerationWithoutSecondsToleratesForEver() {
        assertThat(Tolerations.timeUntilEviction(List.of(exists("node.kubernetes.io/unreachable", null)), List.of(UNREACHABLE))).isEmpty();
    }

    @Test
    void theShortestMatchingTolerationWins() {
        List<Toleration> t = List.of(exists("node.kubernetes.io/unreachable", 300L), exists("dedicated", 5L));
        assertThat(Tolerations.timeUntilEviction(t, List.of(UNREACHABLE, GPU))).contains(Duration.ofSeconds(5));
    }

    @Test
    void everyTaintMustBeTolerated() {
        assertThat(Tolerations.timeUntilEviction(List.of(exists("node.kubernetes.io/unreachable", null)), List.of(UNREACHABLE, GPU)))
                .contains(Duration.ZERO);
    }

    @Test
    void noTaintsMeansNoEviction() {
        assertThat(Tolerations.timeUntilEviction(List.of(), List.of())).isEqualTo(Optional.empty());
    }

    @Test
    void equalNeedsTheSameValueAndExistsWithoutKeyMatchesEverything() {
        Toleration equalGpu = new TolerationBuilder().withKey("dedicated").withValue("gpu").withEffect("NoExecute").build();
        Toleration equalCpu = new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("cpu").build();
        Toleration everything = new TolerationBuilder().withOperator("Exists").build();
        Toleration noScheduleOnly = new TolerationBuilder().withKey("dedicated").withOperator("Exists").withEffect("NoSchedule").build();
        assertThat(Tolerations.tolerates(equalGpu, GPU)).isTrue();
        assertThat(Tolerations.tolerates(equalCpu, GPU)).isFalse();
        assertThat(Tolerations.tolerates(everything, GPU)).isTrue();
        assertThat(Tolerations.tolerates(everything, UNREACHABLE)).isTrue();
        assertThat(Tolerations.tolerates(noScheduleOnly, GPU)).isFalse();
    }

    @Test
    void negativeTolerationSecondsMeanNow() {
        assertThat(Tolerations.timeUntilEviction(List.of(exists("node.kubernetes.io/unreachable", -5L)), List.of(UNREACHABLE)))
                .contains(Duration.ZERO);
    }
}
