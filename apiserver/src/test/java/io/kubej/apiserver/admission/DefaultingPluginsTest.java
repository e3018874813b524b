package io.kubej.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubej.apiserver.registry.BuiltinResources;
import io.kubej.apiserver.registry.Resource;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admission plugins that fill in a new object: each rule on its own. */
class DefaultingPluginsTest {
    static ObjectNode yaml(String s) throws Exception {
        return (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(s);
    }

    static Resource resource(String group, String plural) {
        return BuiltinResources.all(new io.kubej.apiserver.registry.core.service.ServiceStrategy(null, null)).stream()
                .filter(r -> r.group().equals(group) && r.plural().equals(plural)).findFirst().orElseThrow();
    }

    static Attributes create(String plural, ObjectNode o) {
        return new Attributes("CREATE", resource("", plural), "", "ns", o.path("metadata").path("name").asText(), o, null, null, false);
    }

    @Test
    void podsTolerateAnUnreadyNodeForFiveMinutes() throws Exception {
        ObjectNode pod = yaml("{metadata: {name: p}, spec: {tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 10}]}}");
        new DefaultTolerationSeconds().admit(create("pods", pod));
        assertThat(pod.path("spec").path("tolerations")).hasSize(2);
        assertThat(pod.path("spec").path("tolerations").get(0).path("tolerationSeconds").asInt()).isEqualTo(10); // theirs stays
        assertThat(pod.path("spec").path("tolerations").get(1).path("key").asText()).isEqualTo("node.kubernetes.io/not-ready");
        assertThat(pod.path("spec").path("tolerations").get(1).path("tolerationSeconds").asInt()).isEqualTo(300);
    }

    @Test
    void claimsWithoutAClassGetTheDefaultOne() throws Exception {
        var classes = List.of(
                yaml("{metadata: {name: slow, creationTimestamp: '2026-01-01T00:00:00Z', annotations: {storageclass.kubernetes.io/is-default-class: 'true'}}}"),
                yaml("{metadata: {name: fast, creationTimestamp: '2026-02-01T00:00:00Z', annotations: {storageclass.kubernetes.io/is-default-class: 'true'}}}"),
                yaml("{metadata: {name: other, creationTimestamp: '2026-03-01T00:00:00Z'}}"));
        DefaultStorageClass plugin = new DefaultStorageClass(() -> classes);
        ObjectNode unset = yaml("{metadata: {name: a}, spec: {}}");
        plugin.admit(create("persistentvolumeclaims", unset));
        assertThat(unset.path("spec").path("storageClassName").asText()).isEqualTo("fast");
        ObjectNode none = yaml("{metadata: {name: b}, spec: {storageClassName: ''}}");
        plugin.admit(create("persistentvolumeclaims", none));
        assertThat(none.path("spec").path("storageClassName").asText()).isEmpty();
    }

    @Test
    void priorityComesFromTheClass() throws Exception {
        ObjectNode high = yaml("{metadata: {name: high}, value: 1000, preemptionPolicy: Never}");
        ObjectNode dflt = yaml("{metadata: {name: normal}, value: 10, globalDefault: true}");
        Priority plugin = new Priority(name -> Optional.ofNullable(name.equals("high") ? high : null), () -> List.of(high, dflt));
        ObjectNode named = yaml("{metadata: {name: a}, spec: {priorityClassName: high}}");
        plugin.admit(create("pods", named));
        assertThat(named.path("spec").path("priority").asInt()).isEqualTo(1000);
        assertThat(named.path("spec").path("preemptionPolicy").asText()).isEqualTo("Never");
        ObjectNode unnamed = yaml("{metadata: {name: b}, spec: {}}");
        plugin.admit(create("pods", unnamed));
        assertThat(unnamed.path("spec").path("priorityClassName").asText()).isEqualTo("normal");
        assertThat(unnamed.path("spec").path("priority").asInt()).isEqualTo(10);
        assertThatThrownBy(() -> plugin.admit(create("pods", yaml("{metadata: {name: c}, spec: {priorityClassName: missing}}"))))
                .hasMessageContaining("no PriorityClass with name missing was found");
        assertThatThrownBy(() -> plugin.admit(create("pods", yaml("{metadata: {name: d}, spec: {priorityClassName: high, priority: 5}}"))))
                .hasMessageContaining("must not be provided in pod spec");
    }

    @Test
    void limitRangesDefaultAndBoundContainers() throws Exception {
        ObjectNode range = yaml("""
                spec:
                  limits:
                  - type: Container
                    default: {cpu: 500m, memory: 256Mi}
                    defaultRequest: {cpu: 100m}
                    min: {cpu: 50m}
                    max: {cpu: '1'}
                """);
        LimitRanger plugin = new LimitRanger(ns -> List.of(range));
        ObjectNode pod = yaml("{metadata: {name: p}, spec: {containers: [{name: c}]}}");
        plugin.admit(create("pods", pod));
        var resources = pod.path("spec").path("containers").get(0).path("resources");
        assertThat(resources.path("limits").path("cpu").asText()).isEqualTo("500m");
        assertThat(resources.path("requests").path("cpu").asText()).isEqualTo("100m");
        assertThat(resources.path("requests").has("memory")).isFalse(); // no defaultRequest for memory: none
        assertThat(pod.path("metadata").path("annotations").path("kubernetes.io/limit-ranger").asText())
                .isEqualTo("LimitRanger plugin set: cpu request for container c; cpu, memory limit for container c");
        assertThatThrownBy(() -> plugin.admit(create("pods", yaml("{metadata: {name: big}, spec: {containers: [{name: c, resources: {limits: {cpu: '2'}}}]}}"))))
                .hasMessageContaining("maximum cpu usage per Container is 1, but limit is 2");
        assertThatThrownBy(() -> plugin.admit(create("pods", yaml("{metadata: {name: tiny}, spec: {containers: [{name: c, resources: {requests: {cpu: 10m}}}]}}"))))
                .hasMessageContaining("minimum cpu usage per Container is 50m, but request is 0.01");
    }

    @Test
    void podsRunAsTheDefaultAccountWithATokenVolume() throws Exception {
        ObjectNode sa = yaml("{metadata: {name: default}, imagePullSecrets: [{name: pull}]}");
        ServiceAccountAdmission plugin = new ServiceAccountAdmission((ns, name) -> Optional.ofNullable(name.equals("default") ? sa : null));
        ObjectNode pod = yaml("{metadata: {name: p}, spec: {containers: [{name: c}, {name: d, volumeMounts: [{name: mine, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]}]}}");
        plugin.admit(create("pods", pod));
        assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(pod.path("spec").path("imagePullSecrets").get(0).path("name").asText()).isEqualTo("pull");
        String volume = pod.path("spec").path("volumes").get(0).path("name").asText();
        assertThat(volume).startsWith("kube-api-access-");
        assertThat(pod.path("spec").path("containers").get(0).path("volumeMounts").get(0).path("name").asText()).isEqualTo(volume);
        assertThat(pod.path("spec").path("containers").get(1).path("volumeMounts")).hasSize(1); // its own mount at the path stays
        assertThatThrownBy(() -> plugin.admit(create("pods", yaml("{metadata: {name: q}, spec: {serviceAccountName: ghost}}"))))
                .hasMessageContaining("serviceaccount \"ghost\" not found");
        ObjectNode mirror = yaml("{metadata: {name: m, annotations: {kubernetes.io/config.mirror: x}}, spec: {serviceAccountName: ghost}}");
        plugin.admit(create("pods", mirror)); // mirror pods are left alone
    }
}
