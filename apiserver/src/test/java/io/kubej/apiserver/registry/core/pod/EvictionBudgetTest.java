package io.kubej.apiserver.registry.core.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.StatusError;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How an eviction spends a PodDisruptionBudget's disruptions (upstream's checkAndDecrement). */
class EvictionBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static ObjectNode pdb(long generation, String status) throws Exception {
        return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"web\",\"generation\":" + generation + "},\"spec\":{},\"status\":"
                + status + "}");
    }

    private static ObjectNode pod(boolean ready) throws Exception {
        return (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Running\",\"conditions\":"
                + "[{\"type\":\"Ready\",\"status\":\"" + (ready ? "True" : "False") + "\"}]}}");
    }

    @Test
    void anAllowedDisruptionIsTakenAndThePodRecordedAsDisrupted() throws Exception {
        ObjectNode pdb = pdb(1, "{\"observedGeneration\":1,\"disruptionsAllowed\":2,\"currentHealthy\":3,\"desiredHealthy\":1}");
        EvictionSubresource.decrement(pdb, "p", NOW);
        assertThat(pdb.at("/status/disruptionsAllowed").asInt()).isEqualTo(1);
        assertThat(pdb.at("/status/disruptedPods/p").asText()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(pdb.at("/status").has("conditions")).as("still allows one: condition unchanged").isFalse();
    }

    @Test
    void takingTheLastDisruptionTurnsDisruptionAllowedFalse() throws Exception {
        ObjectNode pdb = pdb(1, "{\"observedGeneration\":1,\"disruptionsAllowed\":1,\"conditions\":[{\"type\":\"DisruptionAllowed\","
                + "\"status\":\"True\",\"reason\":\"SufficientPods\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}");
        EvictionSubresource.decrement(pdb, "p", NOW);
        assertThat(pdb.at("/status/disruptionsAllowed").asInt()).isZero();
        assertThat(pdb.at("/status/conditions").size()).isEqualTo(1);
        assertThat(pdb.at("/status/conditions/0/status").asText()).isEqualTo("False");
        assertThat(pdb.at("/status/conditions/0/reason").asText()).isEqualTo("InsufficientPods");
        assertThat(pdb.at("/status/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-12-02T10:00:00Z");
    }

    @Test
    void noDisruptionLeftIs429NamingWhatTheBudgetNeeds() throws Exception {
        ObjectNode pdb = pdb(2, "{\"observedGeneration\":2,\"disruptionsAllowed\":0,\"currentHealthy\":2,\"desiredHealthy\":2}");
        assertThatThrownBy(() -> EvictionSubresource.decrement(pdb, "p", NOW)).isInstanceOfSatisfying(StatusError.class, e -> {
            assertThat(e.code()).isEqualTo(429);
            assertThat(e.getMessage()).isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
            assertThat(e.toStatus().at("/details/causes/0/reason").asText()).isEqualTo("DisruptionBudget");
            assertThat(e.toStatus().at("/details/causes/0/message").asText()).isEqualTo("The disruption budget web needs 2 healthy pods and has 2 currently");
        });
    }

    @Test
    void aBudgetTheControllerHasNotSeenYetIs429StillBeingProcessed() throws Exception {
        ObjectNode pdb = pdb(3, "{\"observedGeneration\":2,\"disruptionsAllowed\":5}");
        assertThatThrownBy(() -> EvictionSubresource.decrement(pdb, "p", NOW)).isInstanceOfSatisfying(StatusError.class, e -> {
            assertThat(e.code()).isEqualTo(429);
            assertThat(e.toStatus().at("/details/causes/0/message").asText()).isEqualTo("The disruption budget web is still being processed by the server.");
        });
    }

    @Test
    void aNegativeAllowanceIsForbidden() throws Exception {
        ObjectNode pdb = pdb(1, "{\"observedGeneration\":1,\"disruptionsAllowed\":-1}");
        assertThatThrownBy(() -> EvictionSubresource.decrement(pdb, "p", NOW))
                .isInstanceOfSatisfying(StatusError.class, e -> assertThat(e.code()).isEqualTo(403));
    }

    @Test
    void anUnreadyPodGoesFreelyWhileTheBudgetIsMetOrWithAlwaysAllow() throws Exception {
        ObjectNode met = pdb(1, "{\"currentHealthy\":2,\"desiredHealthy\":2}");
        ObjectNode short_ = pdb(1, "{\"currentHealthy\":1,\"desiredHealthy\":2}");
        assertThat(EvictionSubresource.unhealthyMayGo(met, pod(false))).isTrue();
        assertThat(EvictionSubresource.unhealthyMayGo(met, pod(true))).as("a ready pod always spends a disruption").isFalse();
        assertThat(EvictionSubresource.unhealthyMayGo(short_, pod(false))).isFalse();
        ((ObjectNode) short_.get("spec")).put("unhealthyPodEvictionPolicy", "AlwaysAllow");
        assertThat(EvictionSubresource.unhealthyMayGo(short_, pod(false))).isTrue();
    }
}
