package io.kubej.kubelet.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class UnsupportedPodFeaturesTest {
    /** A pod as the API server stores it: with its defaults, and a service-account token volume. */
    static PodBuilder defaulted() {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").endMetadata()
                .withNewSpec().withRestartPolicy("Always").withDnsPolicy("ClusterFirst").withEnableServiceLinks(true)
                .withNewSecurityContext().endSecurityContext().withTerminationGracePeriodSeconds(30L)
                .addNewContainer().withName("c").withImage("sshsrv:v1").withImagePullPolicy("IfNotPresent")
                        .withTerminationMessagePath("/dev/termination-log").withTerminationMessagePolicy("File")
                        .withNewResources().addToRequests("cpu", new Quantity("100m")).endResources()
                        .addNewVolumeMount().withName("kube-api-access-abcde").withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
                                .withReadOnly(true).endVolumeMount()
                        .addNewEnv().withName("A").withValue("b").endEnv().endContainer()
                .addNewVolume().withName("kube-api-access-abcde").withNewProjected().withDefaultMode(420)
                        .addNewSource().withNewServiceAccountToken().withExpirationSeconds(3607L).withPath("token").endServiceAccountToken()
                        .endSource().endProjected().endVolume()
                .addNewVolume().withName("scratch").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("64Mi"))
                        .endEmptyDir().endVolume()
                .endSpec();
    }

    static String unsupported(Pod pod) {
        return UnsupportedPodFeatures.firstUnsupported(pod).orElse(null);
    }

    @Test
    void aDefaultedPodWithSupportedFieldsIsAccepted() {
        assertThat(unsupported(defaulted().build())).isNull();
    }

    @Test
    void eachUnimplementedFieldIsNamedByItsPath() {
        assertThat(unsupported(defaulted().editSpec().editFirstContainer().withNewLivenessProbe().withNewExec()
                .withCommand("true").endExec().endLivenessProbe().endContainer().endSpec().build()))
                .isEqualTo("spec.containers[0].livenessProbe");
        assertThat(unsupported(defaulted().editSpec().editFirstContainer().withNewResources().addToLimits("memory", new Quantity("1Gi"))
                .endResources().endContainer().endSpec().build())).isEqualTo("spec.containers[0].resources.limits");
        assertThat(unsupported(defaulted().editSpec().addNewInitContainer().withName("i").withImage("x").endInitContainer()
                .endSpec().build())).isEqualTo("spec.initContainers");
        assertThat(unsupported(defaulted().editSpec().editSecurityContext().withRunAsUser(1000L).endSecurityContext()
                .endSpec().build())).isEqualTo("spec.securityContext.runAsUser");
        assertThat(unsupported(defaulted().editSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim()
                .withClaimName("c").endPersistentVolumeClaim().endVolume().endSpec().build())).isEqualTo("spec.volumes[2].persistentVolumeClaim");
        assertThat(unsupported(defaulted().editSpec().addNewVolume().withName("d").withNewEmptyDir().withSizeLimit(new Quantity("1Gi"))
                .endEmptyDir().endVolume().endSpec().build())).isEqualTo("spec.volumes[2].emptyDir.sizeLimit");
        assertThat(unsupported(defaulted().editSpec().editFirstContainer().editFirstVolumeMount().withMountPropagation("Bidirectional")
                .endVolumeMount().endContainer().endSpec().build())).isEqualTo("spec.containers[0].volumeMounts[0].mountPropagation");
        assertThat(unsupported(defaulted().editSpec().withHostUsers(false).endSpec().build())).isEqualTo("spec.hostUsers");
        assertThat(unsupported(defaulted().editMetadata().addToAnnotations("container.apparmor.security.beta.kubernetes.io/c",
                "runtime/default").endMetadata().build())).isEqualTo("metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]");
    }

    @Test
    void theMessageNamesTheField() {
        assertThat(UnsupportedPodFeatures.message("spec.containers[0].livenessProbe"))
                .isEqualTo("kubej's kubelet does not implement spec.containers[0].livenessProbe yet");
    }
}
