package io.kubej.kubelet.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenManagerTest {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");
    final List<TokenRequest> sent = new ArrayList<>();
    final TokenManager tokens = new TokenManager((ns, sa, tr) -> {
        sent.add(tr);
        return new TokenRequestBuilder(tr).withNewStatus().withToken("token-" + sent.size())
                .withExpirationTimestamp(now.plusSeconds(tr.getSpec().getExpirationSeconds()).toString()).endStatus().build();
    }, new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });
    final Pod pod = new PodBuilder().withNewMetadata().withNamespace("ns").withName("p").withUid("u1").endMetadata()
            .withNewSpec().withServiceAccountName("sa").endSpec().build();

    @Test
    void theTokenIsBoundToThePodAndKeptUntilEightyPercentOfItsLifetime() {
        assertThat(tokens.getServiceAccountToken(pod, null, 3600)).isEqualTo("token-1");
        var ref = sent.getFirst().getSpec().getBoundObjectRef();
        assertThat(ref.getKind()).isEqualTo("Pod");
        assertThat(ref.getName()).isEqualTo("p");
        assertThat(ref.getUid()).isEqualTo("u1");

        now = now.plus(Duration.ofMinutes(47));
        assertThat(tokens.getServiceAccountToken(pod, null, 3600)).isEqualTo("token-1");
        now = now.plus(Duration.ofMinutes(2));
        assertThat(tokens.getServiceAccountToken(pod, null, 3600)).isEqualTo("token-2");
    }

    @Test
    void aPodGoneForGoodLosesItsTokens() {
        tokens.getServiceAccountToken(pod, null, 3600);
        tokens.deleteServiceAccountTokens("u1");
        assertThat(tokens.getServiceAccountToken(pod, null, 3600)).isEqualTo("token-2");
    }
}
