package io.kubej.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubej.kubelet.cri.RemoteRuntimeService;
import io.kubej.kubelet.kuberuntime.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pod spec asks of the kubelet, on the real node ({@link TestNode}): env, the service
 * variables, Secret/ConfigMap/projected/downward API/emptyDir/service-account volumes, and the
 * refusal of fields not implemented. Each test mirrors an upstream conformance test, named in
 * its comment; containers run sh commands in {@code sshsrv:v1} (busybox) and the test reads
 * their output from the CRI log file, as {@code kubectl logs} is not served yet.
 */
class PodSpecIT {
    @TempDir
    static Path dir;
    static TestNode node;
    static KubernetesClient admin;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dir);
        admin = node.admin;
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    static String namespace() {
        String ns = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    static PodBuilder shPod(String ns, String name, String restartPolicy, String script) {
        return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withNodeName(node.nodeName).withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("c").withImage("sshsrv:v1").withCommand("/bin/sh", "-c", script).endContainer()
                .endSpec();
    }

    /** Creates the pod, waits until it Succeeded and returns its output. */
    static String runToCompletion(Pod pod) throws Exception {
        Pod created = admin.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> "Succeeded".equals(phase(created)));
        return node.log(created, "c");
    }

    static Pod get(Pod pod) {
        return admin.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    }

    static String phase(Pod pod) {
        Pod p = get(pod);
        return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    static List<String> eventReasons(Pod pod) {
        return admin.v1().events().inNamespace(pod.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> pod.getMetadata().getName().equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    // [sig-node] Pods should contain environment variables for services [NodeConformance] [Conformance]
    @Test
    void podsGetServiceEnvironmentVariablesUnlessServiceLinksAreOff() throws Exception {
        String ns = namespace();
        var svc = admin.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("fooservice").endMetadata()
                .withNewSpec().addToSelector("name", "server").addNewPort().withPort(8765).withNewTargetPort(8080).endPort().endSpec()
                .build()).create();
        String ip = svc.getSpec().getClusterIP();
        String kubernetesIp = admin.services().inNamespace("default").withName("kubernetes").get().getSpec().getClusterIP();

        String env = runToCompletion(shPod(ns, "client-envvars", "Never", "env").build());
        assertThat(env.lines()).contains("FOOSERVICE_SERVICE_HOST=" + ip, "FOOSERVICE_SERVICE_PORT=8765",
                "FOOSERVICE_PORT=tcp://" + ip + ":8765", "FOOSERVICE_PORT_8765_TCP_PROTO=tcp",
                "FOOSERVICE_PORT_8765_TCP=tcp://" + ip + ":8765", "FOOSERVICE_PORT_8765_TCP_PORT=8765",
                "FOOSERVICE_PORT_8765_TCP_ADDR=" + ip, "KUBERNETES_SERVICE_HOST=" + kubernetesIp, "KUBERNETES_SERVICE_PORT=443");

        String noLinks = runToCompletion(shPod(ns, "client-nolinks", "Never", "env").editSpec().withEnableServiceLinks(false)
                .endSpec().build());
        assertThat(noLinks).doesNotContain("FOOSERVICE_").contains("KUBERNETES_SERVICE_HOST=" + kubernetesIp);
    }

    // [sig-node] Secrets should be consumable via the environment [NodeConformance] [Conformance]
    // [sig-node] ConfigMap should be consumable via environment variable [NodeConformance] [Conformance]
    @Test
    void secretAndConfigMapKeysAndEnvFromReachTheEnvironment() throws Exception {
        String ns = namespace();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("secret-test").endMetadata()
                .addToData("data-1", b64("value-1")).build()).create();
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("configmap-test").endMetadata()
                .addToData("data-1", "value-1").addToData("data-2", "value-2").build()).create();
        // env run directly, not by sh: busybox sh drops variables whose names are no shell identifiers (p_data-1)
        String env = runToCompletion(shPod(ns, "env-test", "Never", "env").editSpec().editFirstContainer()
                .withCommand("/bin/busybox", "env")
                .addNewEnv().withName("SECRET_DATA").withNewValueFrom().withNewSecretKeyRef().withName("secret-test").withKey("data-1")
                        .endSecretKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("CONFIG_DATA_1").withNewValueFrom().withNewConfigMapKeyRef().withName("configmap-test")
                        .withKey("data-1").endConfigMapKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("EXPANDED").withValue("[$(CONFIG_DATA_1)]").endEnv()
                .addNewEnvFrom().withPrefix("p_").withNewConfigMapRef().withName("configmap-test").endConfigMapRef().endEnvFrom()
                .endContainer().endSpec().build());
        assertThat(env.lines()).contains("SECRET_DATA=value-1", "CONFIG_DATA_1=value-1", "EXPANDED=[value-1]",
                "p_data-1=value-1", "p_data-2=value-2");
    }

    // (upstream: "should fail to create ConfigMap with empty key"'s kubelet side) a missing key keeps the container from starting
    @Test
    void aMissingConfigMapKeyIsCreateContainerConfigErrorWithAnEvent() throws Exception {
        String ns = namespace();
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata()
                .addToData("present", "x").build()).create();
        Pod pod = admin.pods().inNamespace(ns).resource(shPod(ns, "missing-key", "Never", "env").editSpec().editFirstContainer()
                .addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef().withName("cm").withKey("absent")
                        .endConfigMapKeyRef().endValueFrom().endEnv().endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var waiting = get(pod).getStatus().getContainerStatuses().getFirst().getState().getWaiting();
            assertThat(waiting.getReason()).isEqualTo("CreateContainerConfigError");
            assertThat(waiting.getMessage()).isEqualTo("couldn't find key absent in ConfigMap " + ns + "/cm");
            assertThat(eventReasons(pod)).contains("Failed: Error: couldn't find key absent in ConfigMap " + ns + "/cm");
        });
        assertThat(phase(pod)).isEqualTo("Pending");
    }

    // [sig-storage] Secrets should be consumable from pods in volume with mappings and Item Mode set [NodeConformance] [Conformance]
    @Test
    void secretVolumeItemsLandAtTheirPathsWithTheirMode() throws Exception {
        String ns = namespace();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("secret-test-map").endMetadata()
                .addToData("data-1", b64("value-1")).addToData("data-2", b64("value-2")).build()).create();
        String out = runToCompletion(shPod(ns, "pod-secrets", "Never",
                "cat /etc/secret-volume/new-path-data-1; echo; ls -lL /etc/secret-volume/new-path-data-1; ls /etc/secret-volume; "
                        + "grep ' /etc/secret-volume ' /proc/mounts")
                .editSpec().addNewVolume().withName("secret-volume").withNewSecret().withSecretName("secret-test-map")
                        .addNewItem().withKey("data-1").withPath("new-path-data-1").withMode(0400).endItem().endSecret().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("secret-volume").withMountPath("/etc/secret-volume").endVolumeMount()
                .endContainer().endSpec().build());
        assertThat(out.lines()).contains("value-1");
        assertThat(out).contains("-r--------").doesNotContain("data-2");
        // a Secret never touches the node's disk: its volume is a tmpfs, mounted read-only into the container
        assertThat(out).containsPattern("/etc/secret-volume tmpfs ro");
    }

    // [sig-storage] ConfigMap updates should be reflected in volume [NodeConformance] [Conformance]
    @Test
    void configMapVolumeFollowsUpdatesOfTheConfigMap() throws Exception {
        String ns = namespace();
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("configmap-upd").endMetadata()
                .addToData("data-1", "value-1").build()).create();
        Pod pod = admin.pods().inNamespace(ns).resource(shPod(ns, "pod-configmaps", "Always",
                "while true; do cat /etc/configmap-volume/data-1; echo; sleep 1; done")
                .editSpec().addNewVolume().withName("configmap-volume").withNewConfigMap().withName("configmap-upd").endConfigMap()
                        .endVolume()
                .editFirstContainer().addNewVolumeMount().withName("configmap-volume").withMountPath("/etc/configmap-volume")
                        .endVolumeMount().endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(60)).until(() -> node.log(pod, "c").contains("value-1"));
        admin.configMaps().inNamespace(ns).withName("configmap-upd").edit(cm -> new ConfigMapBuilder(cm)
                .addToData("data-1", "value-2").build());
        await().atMost(Duration.ofSeconds(30)).until(() -> node.log(pod, "c").contains("value-2"));
        admin.pods().inNamespace(ns).withName(pod.getMetadata().getName()).delete();
    }

    // [sig-storage] Projected combined should project all components that make up the projection API [Projection] [NodeConformance] [Conformance]
    @Test
    void projectedVolumeCombinesSecretConfigMapAndDownwardApi() throws Exception {
        String ns = namespace();
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("projected-secret").endMetadata()
                .addToData("secret-data", b64("secret-value-1")).build()).create();
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("projected-configmap")
                .endMetadata().addToData("configmap-data", "configmap-value-1").build()).create();
        String out = runToCompletion(shPod(ns, "projected-volume", "Never",
                "cat /all/podname; echo; cat /all/secret-data; echo; cat /all/configmap-data; echo")
                .editSpec().addNewVolume().withName("podinfo").withNewProjected()
                        .addNewSource().withNewDownwardAPI().addNewItem().withPath("podname").withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endItem().endDownwardAPI().endSource()
                        .addNewSource().withNewSecret().withName("projected-secret").endSecret().endSource()
                        .addNewSource().withNewConfigMap().withName("projected-configmap").endConfigMap().endSource()
                        .endProjected().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("podinfo").withMountPath("/all").endVolumeMount().endContainer()
                .endSpec().build());
        assertThat(out.lines()).contains("projected-volume", "secret-value-1", "configmap-value-1");
    }

    // [sig-node] Downward API should provide pod name, namespace and IP address as env vars [NodeConformance] [Conformance]
    @Test
    void downwardApiEnvGivesNameNamespaceAndIpAndTheKubeletWritesEtcHosts() throws Exception {
        String ns = namespace();
        Pod pod = shPod(ns, "downward-api", "Never", "env; cat /etc/hosts").editSpec().editFirstContainer()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                        .endValueFrom().endEnv()
                .addNewEnv().withName("POD_NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace")
                        .endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef()
                        .endValueFrom().endEnv()
                .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP").endFieldRef()
                        .endValueFrom().endEnv()
                .endContainer().addNewHostAlias().withIp("123.45.67.89").withHostnames("foo.local", "bar.local").endHostAlias()
                .endSpec().build();
        String out = runToCompletion(pod);
        String podIP = get(pod).getStatus().getPodIP();
        assertThat(out.lines()).contains("POD_NAME=downward-api", "POD_NAMESPACE=" + ns, "POD_IP=" + podIP, "HOST_IP=127.0.0.1",
                podIP + "\tdownward-api", "123.45.67.89\tfoo.local\tbar.local");
    }

    // [sig-storage] EmptyDir volumes should support (root,0644,tmpfs) [LinuxOnly] [NodeConformance] [Conformance]
    @Test
    void memoryEmptyDirIsATmpfsKeepingFileModes() throws Exception {
        String ns = namespace();
        String out = runToCompletion(shPod(ns, "emptydir-tmpfs", "Never",
                "echo mount-tester new file > /test-volume/test-file; chmod 0644 /test-volume/test-file; "
                        + "ls -l /test-volume/test-file; cat /test-volume/test-file; grep ' /test-volume ' /proc/mounts")
                .editSpec().addNewVolume().withName("test-volume").withNewEmptyDir().withMedium("Memory").endEmptyDir().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("test-volume").withMountPath("/test-volume").endVolumeMount()
                .endContainer().endSpec().build());
        assertThat(out).contains("-rw-r--r--", "mount-tester new file").containsPattern("tmpfs /test-volume tmpfs rw");
    }

    // [sig-auth] ServiceAccounts should mount an API token into pods [Conformance]
    @Test
    void serviceAccountTokenVolumeHoldsABoundTokenTheCaAndTheNamespace() throws Exception {
        String ns = namespace();
        // what the controller-manager and the ServiceAccount admission would do (neither runs here)
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("mount-test")
                .endMetadata().build()).create();
        String ca = Files.readString(node.controlPlane.pki().resolve("ca.pem"));
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("kube-root-ca.crt").endMetadata()
                .addToData("ca.crt", ca).build()).create();
        String dir = "/var/run/secrets/kubernetes.io/serviceaccount";
        String out = runToCompletion(shPod(ns, "pod-service-account", "Never",
                "cat " + dir + "/token; echo; echo ---; cat " + dir + "/namespace; echo; echo ---; cat " + dir + "/ca.crt")
                .editSpec().withServiceAccountName("mount-test")
                .addNewVolume().withName("kube-api-access-x7k2p").withNewProjected().withDefaultMode(0644)
                        .addNewSource().withNewServiceAccountToken().withExpirationSeconds(3607L).withPath("token")
                                .endServiceAccountToken().endSource()
                        .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt")
                                .withPath("ca.crt").endItem().endConfigMap().endSource()
                        .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef()
                                .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                        .endProjected().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("kube-api-access-x7k2p").withMountPath(dir).withReadOnly(true)
                        .endVolumeMount().endContainer().endSpec().build());
        String[] parts = out.split("\n---\n");
        String token = parts[0].trim();
        assertThat(token.split("\\.")).hasSize(3);
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(claims).contains("system:serviceaccount:" + ns + ":mount-test", "pod-service-account");
        assertThat(parts[1].trim()).isEqualTo(ns);
        assertThat(parts[2].trim()).isEqualTo(ca.trim());
    }

    // kubej: a field the kubelet does not implement fails the pod, naming the field, and nothing of it runs
    @Test
    void aPodWithAnUnimplementedFieldFailsWithAReasonNamingIt() throws Exception {
        String ns = namespace();
        Pod pod = admin.pods().inNamespace(ns).resource(shPod(ns, "liveness", "Always", "sleep 600").editSpec().editFirstContainer()
                .withNewLivenessProbe().withNewExec().withCommand("cat", "/tmp/health").endExec().endLivenessProbe()
                .endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var status = get(pod).getStatus();
            assertThat(status.getPhase()).isEqualTo("Failed");
            assertThat(status.getReason()).isEqualTo("UnsupportedPodSpec");
            assertThat(status.getMessage()).contains("kubej's kubelet does not implement spec.containers[0].livenessProbe yet");
            assertThat(eventReasons(pod)).anySatisfy(e -> assertThat(e)
                    .isEqualTo("UnsupportedPodSpec: kubej's kubelet does not implement spec.containers[0].livenessProbe yet"));
        });
        try (RemoteRuntimeService cri = new RemoteRuntimeService(node.containerd.endpoint(), Duration.ofSeconds(30))) {
            assertThat(cri.listPodSandbox(Map.of(Labels.POD_UID, pod.getMetadata().getUid()))).isEmpty();
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes());
    }
}
