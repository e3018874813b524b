package io.kubej.kubelet.envvars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.kubej.kubelet.fieldpath.FieldPath;
import io.kubej.kubelet.kuberuntime.CreateContainerConfigException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerEnvTest {
    final Map<String, ConfigMap> configMaps = Map.of("ns/settings",
            new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                    .addToData("mode", "fast").addToData("level", "3").addToData("bad key", "x").build());
    final Map<String, Secret> secrets = Map.of("ns/creds", new SecretBuilder().withNewMetadata().withName("creds").endMetadata()
            .addToData("password", Base64.getEncoder().encodeToString("s3cret".getBytes())).build());
    final List<Service> services = new ArrayList<>(List.of(
            ServiceEnvTest.service("default", "kubernetes", "10.32.0.1", 443),
            ServiceEnvTest.service("ns", "web", "10.32.0.20", 80),
            ServiceEnvTest.service("other", "db", "10.32.0.30", 5432)));
    final List<String> events = new ArrayList<>();
    final ContainerEnv env = new ContainerEnv((ns, n) -> configMaps.get(ns + "/" + n), (ns, n) -> secrets.get(ns + "/" + n),
            () -> services, () -> Map.of("cpu", new Quantity("2"), "memory", new Quantity("4Gi")),
            (pod, type, reason, message) -> events.add(reason + ": " + message));
    final FieldPath.PodAddresses addresses = new FieldPath.PodAddresses("10.200.0.5", "192.168.1.10");

    Pod pod(Container c, Boolean serviceLinks) {
        return new PodBuilder().withNewMetadata().withNamespace("ns").withName("p").withUid("u-1").addToLabels("app", "web")
                .endMetadata().withNewSpec().withNodeName("worker-1").withServiceAccountName("sa").withEnableServiceLinks(serviceLinks)
                .withContainers(c).endSpec().build();
    }

    @Test
    void envFromThenEnvWithExpansionThenServiceVariables() {
        Container c = new ContainerBuilder().withName("c")
                .addNewEnvFrom().withPrefix("CFG_").withNewConfigMapRef().withName("settings").endConfigMapRef().endEnvFrom()
                .addNewEnv().withName("CFG_mode").withValue("slow").endEnv()
                .addNewEnv().withName("GREETING").withValue("mode=$(CFG_mode) web=$(WEB_SERVICE_HOST) $(MISSING)").endEnv()
                .addNewEnv().withName("PASSWORD").withNewValueFrom().withNewSecretKeyRef().withName("creds").withKey("password")
                        .endSecretKeyRef().endValueFrom().endEnv()
                .build();
        Map<String, String> vars = env.make(pod(c, null), c, addresses);
        assertThat(vars).containsEntry("CFG_mode", "slow").containsEntry("CFG_level", "3")
                .containsEntry("GREETING", "mode=slow web=10.32.0.20 $(MISSING)").containsEntry("PASSWORD", "s3cret")
                .containsEntry("WEB_SERVICE_HOST", "10.32.0.20").containsEntry("KUBERNETES_SERVICE_HOST", "10.32.0.1")
                .containsEntry("KUBERNETES_SERVICE_PORT", "443").doesNotContainKey("DB_SERVICE_HOST");
        assertThat(vars.keySet()).doesNotContain("CFG_bad key");
        assertThat(events).anySatisfy(e -> assertThat(e).startsWith("InvalidEnvironmentVariableNames").contains("CFG_bad key"));
        assertThat(List.copyOf(vars.keySet()).indexOf("PASSWORD")).isLessThan(List.copyOf(vars.keySet()).indexOf("WEB_SERVICE_HOST"));
    }

    @Test
    void enableServiceLinksFalseKeepsOnlyTheKubernetesService() {
        Container c = new ContainerBuilder().withName("c").build();
        Map<String, String> vars = env.make(pod(c, false), c, addresses);
        assertThat(vars).containsEntry("KUBERNETES_SERVICE_HOST", "10.32.0.1").doesNotContainKey("WEB_SERVICE_HOST");
    }

    @Test
    void downwardApiFieldsAndResources() {
        Container c = new ContainerBuilder().withName("c")
                .withNewResources().addToRequests("memory", new Quantity("64Mi")).endResources()
                .addNewEnv().withName("NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("NS").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("UID").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.uid").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("APP").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['app']").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("NODE").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("SA").withNewValueFrom().withNewFieldRef().withFieldPath("spec.serviceAccountName").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("CPU_LIMIT").withNewValueFrom().withNewResourceFieldRef().withResource("limits.cpu").endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MEM_REQUEST_MI").withNewValueFrom().withNewResourceFieldRef().withResource("requests.memory")
                        .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .build();
        assertThat(env.make(pod(c, false), c, addresses)).containsEntry("NAME", "p").containsEntry("NS", "ns").containsEntry("UID", "u-1")
                .containsEntry("APP", "web").containsEntry("NODE", "worker-1").containsEntry("SA", "sa")
                .containsEntry("POD_IP", "10.200.0.5").containsEntry("HOST_IP", "192.168.1.10")
                .containsEntry("CPU_LIMIT", "2").containsEntry("MEM_REQUEST_MI", "64");
    }

    @Test
    void aMissingKeyOrObjectFailsWithUpstreamsMessageUnlessOptional() {
        Container missingKey = new ContainerBuilder().withName("c").addNewEnv().withName("X").withNewValueFrom()
                .withNewConfigMapKeyRef().withName("settings").withKey("nope").endConfigMapKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> env.make(pod(missingKey, false), missingKey, addresses))
                .isInstanceOf(CreateContainerConfigException.class).hasMessage("couldn't find key nope in ConfigMap ns/settings");
        Container missingSecret = new ContainerBuilder().withName("c").addNewEnv().withName("X").withNewValueFrom()
                .withNewSecretKeyRef().withName("gone").withKey("k").endSecretKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> env.make(pod(missingSecret, false), missingSecret, addresses))
                .isInstanceOf(CreateContainerConfigException.class).hasMessage("secret \"gone\" not found");
        Container optional = new ContainerBuilder().withName("c").addNewEnv().withName("X").withNewValueFrom()
                .withNewSecretKeyRef().withName("gone").withKey("k").withOptional(true).endSecretKeyRef().endValueFrom().endEnv()
                .addNewEnvFrom().withNewConfigMapRef().withName("gone").withOptional(true).endConfigMapRef().endEnvFrom().build();
        assertThat(env.make(pod(optional, false), optional, addresses)).doesNotContainKey("X");
    }
}
