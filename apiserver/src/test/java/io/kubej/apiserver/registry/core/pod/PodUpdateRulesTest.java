package io.kubej.apiserver.registry.core.pod;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodUpdateRulesTest {

    private static ObjectNode pod() {
        return Json.parse("""
                {"metadata":{"name":"web"},
                 "spec":{"containers":[{"name":"c","image":"nginx:1","env":[{"name":"A","value":"1"}]}],
                         "tolerations":[{"key":"k","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
                         "terminationGracePeriodSeconds":30}}""".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> fields(List<Cause> causes) {
        return causes.stream().map(Cause::field).toList();
    }

    @Test
    void anImageChangeIsAllowed() {
        ObjectNode now = pod();
        ((ObjectNode) now.at("/spec/containers/0")).put("image", "nginx:2");
        now.with("spec").put("activeDeadlineSeconds", 60);

        assertThat(PodUpdateRules.validateUpdate(now, pod())).isEmpty();
    }

    @Test
    void anyOtherSpecChangeIsForbiddenWithUpstreamsMessage() {
        ObjectNode now = pod();
        ((ObjectNode) now.at("/spec/containers/0/env/0")).put("value", "2");

        List<Cause> causes = PodUpdateRules.validateUpdate(now, pod());

        assertThat(fields(causes)).containsExactly("spec");
        assertThat(causes.get(0).message()).startsWith("Forbidden: pod updates may not change fields other than `spec.containers[*].image`");
    }

    @Test
    void tolerationsMayBeAddedAndShortenedButNotRemoved() {
        ObjectNode added = pod();
        added.withArray("/spec/tolerations").addObject().put("key", "other").put("operator", "Exists");
        assertThat(PodUpdateRules.validateUpdate(added, pod())).isEmpty();

        ObjectNode shortened = pod();
        ((ObjectNode) shortened.at("/spec/tolerations/0")).put("tolerationSeconds", 10);
        assertThat(PodUpdateRules.validateUpdate(shortened, pod())).isEmpty();

        ObjectNode removed = pod();
        removed.withArray("/spec/tolerations").removeAll();
        assertThat(fields(PodUpdateRules.validateUpdate(removed, pod()))).containsExactly("spec.tolerations");
    }

    @Test
    void ephemeralContainersCannotBeAddedByAnUpdateOfThePod() {
        ObjectNode now = pod();
        now.with("spec").putArray("ephemeralContainers").addObject().put("name", "debugger").put("image", "busybox");

        assertThat(fields(PodUpdateRules.validateUpdate(now, pod()))).containsExactly("spec");
    }

    @Test
    void anEphemeralContainerIsAddedWithANameAndAnImageOnly() {
        ObjectNode now = pod();
        now.with("spec").putArray("ephemeralContainers").addObject().put("name", "debugger").put("image", "busybox")
                .put("targetContainerName", "c");

        assertThat(PodUpdateRules.validateEphemeralContainersUpdate(now, pod())).isEmpty();
    }

    @Test
    void anEphemeralContainerMayNotHavePortsProbesOrResourcesNorReuseAName() {
        ObjectNode now = pod();
        ObjectNode e = now.with("spec").putArray("ephemeralContainers").addObject().put("name", "c").put("image", "busybox")
                .put("targetContainerName", "nope");
        e.putArray("ports").addObject().put("containerPort", 80);
        e.putObject("readinessProbe").putObject("tcpSocket").put("port", 80);
        e.putObject("resources").putObject("limits").put("cpu", "1");

        assertThat(fields(PodUpdateRules.validateEphemeralContainersUpdate(now, pod()))).containsExactlyInAnyOrder(
                "spec.ephemeralContainers[0].name", "spec.ephemeralContainers[0].ports",
                "spec.ephemeralContainers[0].readinessProbe", "spec.ephemeralContainers[0].resources",
                "spec.ephemeralContainers[0].targetContainerName");
    }

    @Test
    void anExistingEphemeralContainerCannotBeChangedOrRemoved() {
        ObjectNode before = pod();
        before.with("spec").putArray("ephemeralContainers").addObject().put("name", "debugger").put("image", "busybox");
        ObjectNode changed = before.deepCopy();
        ((ObjectNode) changed.at("/spec/ephemeralContainers/0")).put("image", "alpine");
        ObjectNode removed = before.deepCopy();
        removed.withArray("/spec/ephemeralContainers").removeAll();

        assertThat(fields(PodUpdateRules.validateEphemeralContainersUpdate(changed, before)))
                .containsExactly("spec.ephemeralContainers[debugger]");
        assertThat(fields(PodUpdateRules.validateEphemeralContainersUpdate(removed, before)))
                .containsExactly("spec.ephemeralContainers");
    }
}
