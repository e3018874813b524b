package io.kubej.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class PodTemplateHashTest {
    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", "web").addToLabels("tier", "fe").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec()
                .build();
    }

    @Test
    void theSameTemplateAlwaysHashesTheSame() {
        String h = PodTemplateHash.of(template("nginx:1"), null);
        assertThat(PodTemplateHash.of(template("nginx:1"), null)).isEqualTo(h);
        // a copy through JSON, as the informer would deliver it again after a restart
        assertThat(PodTemplateHash.of(Serialization.unmarshal(Serialization.asJson(template("nginx:1")), PodTemplateSpec.class), null))
                .isEqualTo(h);
        // label order does not matter
        PodTemplateSpec reordered = new PodTemplateSpecBuilder(template("nginx:1")).editMetadata()
                .withLabels(new java.util.TreeMap<>(java.util.Map.of("tier", "fe", "app", "web"))).endMetadata().build();
        assertThat(PodTemplateHash.of(reordered, null)).isEqualTo(h);
    }

    @Test
    void anotherImageOrACollisionCountGivesAnotherHash() {
        String h = PodTemplateHash.of(template("nginx:1"), null);
        assertThat(PodTemplateHash.of(template("nginx:2"), null)).isNotEqualTo(h);
        assertThat(PodTemplateHash.of(template("nginx:1"), 1)).isNotEqualTo(h).isNotEqualTo(PodTemplateHash.of(template("nginx:1"), 2));
    }

    @Test
    void theHashIsAShortLabelSafeStringWithoutVowels() {
        String h = PodTemplateHash.of(template("nginx:1"), null);
        assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        // each decimal digit maps to one letter: '0' is 48, 48 % 27 = 21 -> "4", and 57 % 27 = 3 -> "f"
        assertThat(PodTemplateHash.safeEncode("0123456789")).isEqualTo("456789bcdf");
    }

    @Test
    void templatesDifferingOnlyInThePodTemplateHashLabelAreEqual() {
        PodTemplateSpec withHash = template("nginx:1");
        withHash.getMetadata().getLabels().put(PodTemplateHash.LABEL, "abc");
        assertThat(PodTemplateHash.equalIgnoringHash(withHash, template("nginx:1"))).isTrue();
        assertThat(PodTemplateHash.equalIgnoringHash(withHash, template("nginx:2"))).isFalse();
    }
}
