package io.kubej.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.apps.deployment.Deployments;
import io.kubej.apiserver.registry.apps.statefulset.StatefulSets;
import io.kubej.apiserver.registry.batch.cronjob.CronJobs;
import io.kubej.apiserver.registry.batch.job.Jobs;
import io.kubej.apiserver.registry.core.configmap.ConfigStrategies;
import io.kubej.apiserver.registry.core.persistentvolume.PersistentVolumes;
import io.kubej.apiserver.registry.rbac.RbacResources;
import io.kubej.apiserver.registry.scheduling.SchedulingResources;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-kind rules of the registrations, without a server: defaults, validation and immutable fields. */
class StrategyRulesTest {
    static ObjectNode json(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    static final String TEMPLATE = "\"template\":{\"metadata\":{\"labels\":{\"app\":\"a\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}";

    static List<String> fields(List<Cause> causes) {
        return causes.stream().map(Cause::field).toList();
    }

    @Test
    void deploymentDefaultsMatchUpstream() {
        ObjectNode d = json("{\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"a\"}}," + TEMPLATE + "}}");
        RESTStrategy s = Deployments.resource().strategy();
        s.prepareForCreate(d);
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("25%");
        assertThat(d.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Always");
        assertThat(s.validate(d)).isEmpty();
        ObjectNode moved = d.deepCopy();
        ((ObjectNode) moved.at("/spec/selector/matchLabels")).put("app", "b");
        assertThat(fields(s.validateUpdate(moved, d))).containsExactly("spec.selector");
    }

    @Test
    void statefulSetUpdatesMayOnlyTouchTheUpdatableFields() {
        ObjectNode old = json("{\"metadata\":{\"name\":\"s\"},\"spec\":{\"serviceName\":\"n\",\"selector\":{\"matchLabels\":{\"app\":\"a\"}}," + TEMPLATE + "}}");
        RESTStrategy s = StatefulSets.resource().strategy();
        s.prepareForCreate(old);
        ObjectNode scaled = old.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 5);
        assertThat(s.validateUpdate(scaled, old)).isEmpty();
        ObjectNode renamed = old.deepCopy();
        ((ObjectNode) renamed.get("spec")).put("serviceName", "other");
        assertThat(s.validateUpdate(renamed, old)).extracting(Cause::reason).containsExactly("FieldValueForbidden");
    }

    @Test
    void aJobsSelectorIsGeneratedFromItsUid() {
        ObjectNode job = json("{\"metadata\":{\"name\":\"j\",\"uid\":\"u-1\"},\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Never\","
                + "\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}");
        RESTStrategy s = Jobs.resource().strategy();
        s.prepareForCreate(job);
        assertThat(job.at("/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid").asText()).isEqualTo("u-1");
        assertThat(job.at("/spec/template/metadata/labels/batch.kubernetes.io~1job-name").asText()).isEqualTo("j");
        assertThat(job.at("/spec/completions").asInt()).isEqualTo(1);
        assertThat(s.validate(job)).isEmpty();
        ObjectNode workQueue = json("{\"metadata\":{\"name\":\"q\",\"uid\":\"u-2\"},\"spec\":{\"parallelism\":3,\"template\":{\"spec\":{"
                + "\"restartPolicy\":\"OnFailure\",\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}}}");
        s.prepareForCreate(workQueue);
        assertThat(workQueue.at("/spec/completions").isMissingNode()).isTrue();
    }

    @Test
    void cronSchedulesAcceptFiveFieldsAndMacrosOnly() {
        RESTStrategy s = CronJobs.resource().strategy();
        for (String ok : List.of("*/5 * * * *", "0 0 1 1 *", "@hourly", "TZ=UTC 0 * * * *")) {
            ObjectNode cj = json("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"schedule\":\"" + ok + "\",\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"containers\":[{}]}}}}}}");
            assertThat(fields(s.validate(cj))).as(ok).doesNotContain("spec.schedule");
        }
        ObjectNode bad = json("{\"metadata\":{\"name\":\"c\"},\"spec\":{\"schedule\":\"* * *\"}}");
        assertThat(fields(s.validate(bad))).contains("spec.schedule");
    }

    @Test
    void aBoundClaimMayOnlyGrow() {
        ObjectNode old = json("{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],\"volumeName\":\"pv-1\",\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}");
        RESTStrategy s = PersistentVolumes.claims().strategy();
        ObjectNode grown = old.deepCopy();
        ((ObjectNode) grown.at("/spec/resources/requests")).put("storage", "2Gi");
        assertThat(s.validateUpdate(grown, old)).isEmpty();
        ObjectNode rebound = old.deepCopy();
        ((ObjectNode) rebound.get("spec")).put("volumeName", "pv-2");
        assertThat(s.validateUpdate(rebound, old)).hasSize(1);
        ObjectNode unbound = json("{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"]}}");
        ObjectNode bound = unbound.deepCopy();
        ((ObjectNode) bound.get("spec")).put("volumeName", "pv-1");
        assertThat(s.validateUpdate(bound, unbound)).as("binding fills in volumeName").isEmpty();
    }

    @Test
    void secretStringDataBecomesDataAndTypesNeedTheirKeys() {
        RESTStrategy s = ConfigStrategies.secret();
        ObjectNode secret = json("{\"stringData\":{\"a\":\"b\"}}");
        s.prepareForCreate(secret);
        assertThat(secret.has("stringData")).isFalse();
        assertThat(secret.at("/data/a").asText()).isEqualTo("Yg==");
        assertThat(secret.path("type").asText()).isEqualTo("Opaque");
        ObjectNode ssh = json("{\"type\":\"kubernetes.io/ssh-auth\",\"data\":{}}");
        assertThat(fields(s.validate(ssh))).containsExactly("data[ssh-privatekey]");
        ObjectNode changed = json("{\"type\":\"kubernetes.io/tls\"}");
        assertThat(fields(s.validateUpdate(changed, json("{\"type\":\"Opaque\"}")))).contains("type");
    }

    @Test
    void bindingsNeedARoleRefAndValidSubjects() {
        RESTStrategy s = RbacResources.resources().stream().filter(r -> r.kind().equals("ClusterRoleBinding")).findFirst().orElseThrow().strategy();
        ObjectNode rb = json("{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"r\"},"
                + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"sa\"},{\"kind\":\"Robot\",\"name\":\"x\"}]}");
        assertThat(fields(s.validate(rb))).containsExactlyInAnyOrder("roleRef.kind", "subjects[0].namespace", "subjects[1].kind");
    }

    @Test
    void systemPriorityClassNamesAreReserved() {
        RESTStrategy s = SchedulingResources.resources().get(0).strategy();
        assertThat(s.validate(json("{\"metadata\":{\"name\":\"system-node-critical\"},\"value\":2000001000}"))).isEmpty();
        assertThat(s.validate(json("{\"metadata\":{\"name\":\"system-x\"},\"value\":1}"))).hasSize(1);
        assertThat(s.validate(json("{\"metadata\":{\"name\":\"huge\"},\"value\":2000000001}"))).extracting(Cause::field).containsExactly("value");
    }

    @Test
    void everyRegistrationIsUniqueAndNamesItsModel() {
        List<Resource> all = BuiltinResources.all(new io.kubej.apiserver.registry.core.service.ServiceStrategy(null, null));
        assertThat(all).extracting(r -> r.groupVersion() + "/" + r.plural()).doesNotHaveDuplicates();
        assertThat(all).allSatisfy(r -> assertThat(r.model()).as(r.kind()).isNotNull());
        assertThat(all).filteredOn(r -> !r.namespaced()).extracting(Resource::plural)
                .contains("namespaces", "nodes", "persistentvolumes", "clusterroles", "storageclasses", "priorityclasses");
        assertThatThrownBy(() -> new ResourceRegistry(List.of(all.get(0), all.get(0)), new io.kubej.apiserver.storage.etcd3.Etcd3Storage(null, "/registry", io.kubej.apiserver.storage.value.ResourceTransformers.NONE), false))
                .hasMessageContaining("two registrations of v1/namespaces");
    }

    @Test
    void labelAndAnnotationKeysAreQualifiedNames() {
        for (String ok : List.of("app", "app.kubernetes.io/name", "example.com/a_b-c.d", "A1")) {
            assertThat(Validation.qualifiedNameProblem(ok)).as(ok).isNull();
        }
        for (String bad : List.of("", "/x", "Example.com/x", "a/", "-a", "a" + "b".repeat(63), "a/b/c")) {
            assertThat(Validation.qualifiedNameProblem(bad)).as(bad).isNotNull();
        }
    }

    @Test
    void eventsConvertBetweenTheirTwoShapesWithoutLoss() {
        Resource events = io.kubej.apiserver.registry.events.EventsResources.resources().get(0);
        ObjectNode core = json("{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"e\"},\"involvedObject\":{\"name\":\"p\"},"
                + "\"message\":\"m\",\"reason\":\"R\",\"count\":2,\"source\":{\"component\":\"c\"},\"reportingComponent\":\"rc\"}");
        ObjectNode served = events.conversion().fromStorage(core);
        assertThat(served.path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        assertThat(served.at("/regarding/name").asText()).isEqualTo("p");
        assertThat(served.path("deprecatedSource").path("component").asText()).isEqualTo("c");
        assertThat(served.path("reportingController").asText()).isEqualTo("rc");
        assertThat(events.conversion().toStorage(served)).isEqualTo(core);
        assertThat(core.has("regarding")).as("the stored object is not changed").isFalse();
    }
}
