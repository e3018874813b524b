package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admission plugins of the hard way's --enable-admission-plugins, against a real API server. */
class AdmissionIT {
    @TempDir
    static Path dir;
    static ApiServerUnderTest api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiServerUnderTest.start(dir, flags -> flags.disableAdmissionPlugins = java.util.List.of()); // all of the hard way's
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    /** A namespace with the default service account a controller manager would have made. */
    private static String namespaceWithDefaultAccount() {
        String ns = api.newNamespace();
        api.client.serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata().build()).create();
        return ns;
    }

    private static Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
    }

    @Test
    void aQuotaOfTwoPodsRefusesTheThird() throws Exception {
        String ns = namespaceWithDefaultAccount();
        api.client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("two-pods").endMetadata()
                .withNewSpec().withHard(Map.of("pods", new Quantity("2"))).endSpec().build()).create();
        api.client.pods().inNamespace(ns).resource(pod("a")).create();
        api.client.pods().inNamespace(ns).resource(pod("b")).create();
        assertThatThrownBy(() -> api.client.pods().inNamespace(ns).resource(pod("c")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage())
                            .isEqualTo("pods \"c\" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2");
                });
        var quota = api.client.resourceQuotas().inNamespace(ns).withName("two-pods").get();
        assertThat(quota.getStatus().getUsed().get("pods").toString()).isEqualTo("2");
        assertThat(quota.getStatus().getHard().get("pods").toString()).isEqualTo("2");
        // kubectl shows the same refusal
        ApiServerUnderTest.Result kubectl = api.kubectl("run", "d", "--image=busybox", "-n", ns);
        assertThat(kubectl.out()).contains("exceeded quota: two-pods");
        // a deleted pod's share is given back by the resourcequota controller's recount (MoreControllersIT)
    }

    @Test
    void concurrentCreatesUnderAQuotaAreEachChargedOnceAndNoneFailsWithAConflict() throws Exception {
        String ns = namespaceWithDefaultAccount();
        api.client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("ten-pods").endMetadata()
                .withNewSpec().withHard(Map.of("pods", new Quantity("10"))).endSpec().build()).create();
        java.util.List<java.util.concurrent.Future<?>> creates = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                String name = "p" + i;
                creates.add(pool.submit(() -> api.client.pods().inNamespace(ns).resource(pod(name)).create()));
            }
        }
        int created = 0;
        for (var f : creates) {
            try {
                f.get();
                created++;
            } catch (java.util.concurrent.ExecutionException e) {
                // only the quota may refuse, never a conflict on the quota object itself
                assertThat(e.getCause()).isInstanceOfSatisfying(KubernetesClientException.class,
                        k -> assertThat(k.getCode()).isEqualTo(403));
            }
        }
        assertThat(created).isEqualTo(10);
        assertThat(api.client.resourceQuotas().inNamespace(ns).withName("ten-pods").get().getStatus().getUsed().get("pods").toString())
                .isEqualTo("10");
    }

    @Test
    void computeQuotasNeedRequests() {
        String ns = namespaceWithDefaultAccount();
        // admitted before the quota existed, without requests: counted as zero, never a reason to refuse others
        api.client.pods().inNamespace(ns).resource(pod("before")).create();
        api.client.resourceQuotas().inNamespace(ns).resource(new ResourceQuotaBuilder().withNewMetadata().withName("cpu").endMetadata()
                .withNewSpec().withHard(Map.of("requests.cpu", new Quantity("1"))).endSpec().build()).create();
        assertThatThrownBy(() -> api.client.pods().inNamespace(ns).resource(pod("no-requests")).create())
                .hasMessageContaining("must specify requests.cpu");
        Pod small = new PodBuilder(pod("small")).editSpec().editFirstContainer().withNewResources()
                .addToRequests("cpu", new Quantity("600m")).endResources().endContainer().endSpec().build();
        api.client.pods().inNamespace(ns).resource(small).create();
        Pod again = new PodBuilder(small).editMetadata().withName("again").endMetadata().build();
        assertThatThrownBy(() -> api.client.pods().inNamespace(ns).resource(again).create()).hasMessageContaining("exceeded quota: cpu");
    }

    @Test
    void podsRunAsAServiceAccountWithItsTokenMounted() {
        String ns = api.newNamespace();
        assertThatThrownBy(() -> api.client.pods().inNamespace(ns).resource(pod("early")).create())
                .hasMessageContaining("error looking up service account " + ns + "/default: serviceaccount \"default\" not found");
        api.client.serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                .withNewMetadata().withName("default").endMetadata().addNewImagePullSecret("registry-login").build()).create();
        Pod created = api.client.pods().inNamespace(ns).resource(pod("p")).create();
        assertThat(created.getSpec().getServiceAccountName()).isEqualTo("default");
        assertThat(created.getSpec().getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("registry-login");
        var volume = created.getSpec().getVolumes().stream().filter(v -> v.getName().startsWith("kube-api-access-")).findFirst().orElseThrow();
        assertThat(volume.getName()).matches("kube-api-access-[a-z0-9]{5}");
        var sources = volume.getProjected().getSources();
        assertThat(sources.get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
        assertThat(sources.get(1).getConfigMap().getName()).isEqualTo("kube-root-ca.crt");
        assertThat(sources.get(2).getDownwardAPI().getItems().get(0).getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        assertThat(created.getSpec().getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo(volume.getName());
            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
            assertThat(m.getReadOnly()).isTrue();
        });
        Pod noToken = new PodBuilder(pod("no-token")).editSpec().withAutomountServiceAccountToken(false).endSpec().build();
        assertThat(api.client.pods().inNamespace(ns).resource(noToken).create().getSpec().getVolumes()).isNullOrEmpty();
    }

    @Test
    void podSecurityLabelsEnforceAndWarn() throws Exception {
        String ns = namespaceWithDefaultAccount();
        api.client.namespaces().withName(ns).edit(n -> {
            n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "baseline");
            n.getMetadata().getLabels().put("pod-security.kubernetes.io/warn", "restricted");
            return n;
        });
        Pod privileged = new PodBuilder(pod("root")).editSpec().withHostNetwork(true).editFirstContainer()
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec().build();
        assertThatThrownBy(() -> api.client.pods().inNamespace(ns).resource(privileged).create())
                .hasMessageContaining("pods \"root\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), "
                        + "privileged (container \"c\" must not set securityContext.privileged=true)");
        // baseline admits a plain pod; restricted (warn) says what it would refuse, as kubectl prints it
        java.nio.file.Path manifest = dir.resolve("plain.yaml");
        java.nio.file.Files.writeString(manifest, "apiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec: {containers: [{name: c, image: busybox}]}\n");
        ApiServerUnderTest.Result created = api.kubectl("create", "-n", ns, "-f", manifest.toString());
        assertThat(created.exit()).as(created.out()).isZero();
        assertThat(created.out()).contains("Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false "
                + "(container \"c\" must set securityContext.allowPrivilegeEscalation=false)");
    }
}
