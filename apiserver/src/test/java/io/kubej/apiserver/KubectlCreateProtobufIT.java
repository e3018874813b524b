package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl's typed commands ({@code create deployment}, {@code create job}, {@code create cronjob},
 * {@code create service}) send their objects as Kubernetes protobuf, not JSON; each is run here
 * with the real kubectl at -v=8 (which logs the request's Content-Type) and the stored object
 * read back. {@code create deployment} is the hard way's smoke test.
 */
class KubectlCreateProtobufIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROTOBUF = "Content-Type: application/vnd.kubernetes.protobuf";

    @TempDir
    static Path dir;
    static ApiServerUnderTest server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServerUnderTest.start(dir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static JsonNode get(String ns, String what) throws Exception {
        ApiServerUnderTest.Result r = server.kubectl("get", what, "-n", ns, "-o", "json");
        assertThat(r.exit()).as(r.out()).isZero();
        return JSON.readTree(r.out());
    }

    static void assertNginxDeployment(String ns) throws Exception {
        JsonNode d = get(ns, "deployment/nginx");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(d.at("/spec/selector/matchLabels/app").asText()).isEqualTo("nginx");
        assertThat(d.at("/spec/template/metadata/labels/app").asText()).isEqualTo("nginx");
        JsonNode c = d.at("/spec/template/spec/containers/0");
        assertThat(c.path("name").asText()).isEqualTo("nginx");
        assertThat(c.path("image").asText()).isEqualTo("nginx:latest");
        assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(80);
        // the defaults still apply: Go wrote the unset fields as empty strings, the decoder left them out
        assertThat(c.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
        assertThat(d.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Always");
        assertThat(d.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(d.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(600);
        assertThat(d.path("metadata").has("generateName")).isFalse();
    }

    @Test
    void kubectlCreateDeploymentSendsProtobufAndTheDeploymentIsStoredWithDefaults() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result r = server.kubectl("create", "deployment", "nginx", "--image=nginx:latest", "--replicas=2",
                "--port=80", "-n", ns, "-v=8");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains(PROTOBUF).contains("deployment.apps/nginx created");
        assertNginxDeployment(ns);
    }

    @Test
    void everyOlderKubectlCreatesTheSameDeployment() throws Exception {
        for (String minor : new String[] {"1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"}) {
            String ns = server.newNamespace();
            ApiServerUnderTest.Result r = server.kubectlVersion(minor, "create", "deployment", "nginx", "--image=nginx:latest",
                    "--replicas=2", "--port=80", "-n", ns);
            assertThat(r.exit()).as(minor + ": " + r.out()).isZero();
            assertNginxDeployment(ns);
        }
    }

    @Test
    void kubectlCreateJobAndCronJobAndAJobFromTheCronJob() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result job = server.kubectl("create", "job", "hello", "--image=busybox", "-n", ns, "-v=8", "--", "echo", "hi");
        assertThat(job.exit()).as(job.out()).isZero();
        assertThat(job.out()).contains(PROTOBUF);
        JsonNode j = get(ns, "job/hello");
        assertThat(j.at("/spec/template/spec/containers/0/command").toString()).isEqualTo("[\"echo\",\"hi\"]");
        assertThat(j.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("busybox");
        assertThat(j.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
        assertThat(j.at("/spec/completions").asInt()).isEqualTo(1);

        ApiServerUnderTest.Result cron = server.kubectl("create", "cronjob", "tick", "--image=busybox", "--schedule=*/1 * * * *",
                "-n", ns, "-v=8", "--", "date");
        assertThat(cron.exit()).as(cron.out()).isZero();
        assertThat(cron.out()).contains(PROTOBUF);
        JsonNode cj = get(ns, "cronjob/tick");
        assertThat(cj.at("/spec/schedule").asText()).isEqualTo("*/1 * * * *");
        assertThat(cj.at("/spec/jobTemplate/metadata/name").asText()).isEqualTo("tick");
        assertThat(cj.at("/spec/jobTemplate/spec/template/spec/containers/0/command").toString()).isEqualTo("[\"date\"]");
        assertThat(cj.at("/spec/jobTemplate/spec/template/spec/restartPolicy").asText()).isEqualTo("OnFailure");
        assertThat(cj.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");

        ApiServerUnderTest.Result manual = server.kubectl("create", "job", "tick-now", "--from=cronjob/tick", "-n", ns);
        assertThat(manual.exit()).as(manual.out()).isZero();
        JsonNode m = get(ns, "job/tick-now");
        assertThat(m.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("CronJob");
        assertThat(m.at("/metadata/ownerReferences/0/name").asText()).isEqualTo("tick");
        assertThat(m.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo(cj.at("/metadata/uid").asText());
        assertThat(m.at("/metadata/annotations/cronjob.kubernetes.io~1instantiate").asText()).isEqualTo("manual");
        assertThat(m.at("/spec/template/spec/containers/0/command").toString()).isEqualTo("[\"date\"]");
    }

    @Test
    void kubectlCreateServiceAndExpose() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result r = server.kubectl("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns, "-v=8");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains(PROTOBUF);
        JsonNode svc = get(ns, "service/web");
        assertThat(svc.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(svc.at("/spec/selector/app").asText()).isEqualTo("web");
        assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(80);
        assertThat(svc.at("/spec/ports/0/targetPort").asInt()).isEqualTo(8080);
        assertThat(svc.at("/spec/ports/0/protocol").asText()).isEqualTo("TCP");
        assertThat(svc.at("/spec/clusterIP").asText()).startsWith("10.32.0.");

        ApiServerUnderTest.Result np = server.kubectl("create", "service", "nodeport", "web-np", "--tcp=80:8080", "-n", ns);
        assertThat(np.exit()).as(np.out()).isZero();
        assertThat(get(ns, "service/web-np").at("/spec/ports/0/nodePort").asInt()).isPositive();

        assertThat(server.kubectl("create", "deployment", "nginx", "--image=nginx:latest", "--port=80", "-n", ns).exit()).isZero();
        ApiServerUnderTest.Result expose = server.kubectl("expose", "deployment", "nginx", "--port=8081", "--target-port=80",
                "--name=nginx-svc", "-n", ns);
        assertThat(expose.exit()).as(expose.out()).isZero();
        JsonNode exposed = get(ns, "service/nginx-svc");
        assertThat(exposed.at("/spec/selector/app").asText()).isEqualTo("nginx");
        assertThat(exposed.at("/spec/ports/0/targetPort").asInt()).isEqualTo(80);
    }

    @Test
    void kubectlCreateRoleRoleBindingClusterRoleAndClusterRoleBinding() throws Exception {
        String ns = server.newNamespace();
        for (String minor : new String[] {"1.27", "1.33"}) {
            String v = minor.replace(".", "");
            assertThat(server.kubectlVersion(minor, "-n", ns, "create", "role", "reader-" + v, "--verb=get,list", "--resource=pods",
                    "--resource-name=web").out()).contains("role.rbac.authorization.k8s.io/reader-" + v + " created");
            assertThat(server.kubectlVersion(minor, "-n", ns, "create", "rolebinding", "reader-" + v, "--role=reader-" + v,
                    "--user=alice", "--serviceaccount=" + ns + ":default").out())
                    .contains("rolebinding.rbac.authorization.k8s.io/reader-" + v + " created");
            assertThat(server.kubectlVersion(minor, "create", "clusterrole", "nodes-" + v, "--verb=get", "--resource=nodes").out())
                    .contains("clusterrole.rbac.authorization.k8s.io/nodes-" + v + " created");
            assertThat(server.kubectlVersion(minor, "create", "clusterrole", "agg-" + v, "--aggregation-rule=kubej.test/agg=true").out())
                    .contains("clusterrole.rbac.authorization.k8s.io/agg-" + v + " created");
            assertThat(server.kubectlVersion(minor, "create", "clusterrolebinding", "nodes-" + v, "--clusterrole=nodes-" + v,
                    "--group=ops").out()).contains("clusterrolebinding.rbac.authorization.k8s.io/nodes-" + v + " created");
        }
        var role = server.client.rbac().roles().inNamespace(ns).withName("reader-127").get();
        assertThat(role.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getVerbs()).containsExactly("get", "list");
            assertThat(r.getResources()).containsExactly("pods");
            assertThat(r.getResourceNames()).containsExactly("web");
        });
        var binding = server.client.rbac().roleBindings().inNamespace(ns).withName("reader-133").get();
        assertThat(binding.getRoleRef().getName()).isEqualTo("reader-133");
        assertThat(binding.getSubjects()).extracting(s -> s.getKind() + ":" + s.getName())
                .containsExactlyInAnyOrder("User:alice", "ServiceAccount:default");
        assertThat(server.client.rbac().clusterRoles().withName("agg-127").get().getAggregationRule().getClusterRoleSelectors())
                .singleElement().satisfies(sel -> assertThat(sel.getMatchLabels()).containsEntry("kubej.test/agg", "true"));
        assertThat(server.client.rbac().clusterRoleBindings().withName("nodes-133").get().getSubjects())
                .extracting(s -> s.getKind() + ":" + s.getName()).containsExactly("Group:ops");
    }
}
