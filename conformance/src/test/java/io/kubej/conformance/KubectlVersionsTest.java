package io.kubej.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubej.testcluster.HostCommands;
import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.Kubectl;
import io.kubej.testcluster.cluster.ClusterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue #8's acceptance: one script of kubectl commands, run with every kubectl binary on the
 * machine (1.27 ... 1.33) against a whole kubej cluster ({@code kubej up}: the controllers and a
 * kubelet make Deployments roll out for real), checking what kubectl prints, not only its exit
 * code. Each version works in a namespace of its own ({@code kv127}, ...) and its own CRD group,
 * so one version's failure leaves the others' runs untouched.
 */
class KubectlVersionsTest {
    private static final Path SEEDS = KubejHome.root().resolve("../shared/fixtures/seed-manifests").normalize();
    private static final String IMAGE = "sshsrv:v1";
    private static final Duration ROLLOUT = Duration.ofSeconds(120);

    private static ClusterConfig config;

    @BeforeAll
    static void kubejUp() {
        Path dir = KubejHome.root().resolve("conformance/target/kubectl-versions-cluster");
        config = ClusterConfig.defaults(dir);
        kubej("down", "--dir", dir.toString());
        HostCommands.Result up = kubej("up", "--dir", dir.toString());
        assertThat(up.ok()).as("kubej up:%n%s", up.output()).isTrue();
    }

    @AfterAll
    static void kubejDown() {
        if (config != null) {
            kubej("down", "--dir", config.dir().toString());
        }
    }

    private static HostCommands.Result kubej(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(KubejHome.launcher("kubej").toString());
        cmd.addAll(List.of(args));
        HostCommands.Result r = HostCommands.run(cmd, Duration.ofMinutes(5));
        System.out.println("$ kubej " + String.join(" ", args) + "\n" + r.output());
        return r;
    }

    @TestFactory
    Stream<DynamicTest> theScriptPassesWithEveryKubectl() {
        List<String> versions = Kubectl.versions();
        assertThat(versions).as("kubectl.1.XX binaries beside kubectl").isNotEmpty();
        return versions.stream().map(v -> DynamicTest.dynamicTest("kubectl " + v, () -> new Script(v).run()));
    }

    /** The script for one kubectl version. */
    static final class Script {
        private final String version;
        private final Kubectl kubectl;
        private final String ns;
        private final String group;
        private final Path dir;

        Script(String version) throws IOException {
            this.version = version;
            this.kubectl = new Kubectl(config.adminKubeconfig(), Kubectl.binaryOf(version));
            this.ns = "kv" + version.replace(".", "");
            this.group = ns + ".kubej.test";
            this.dir = Files.createTempDirectory("kubectl-" + version);
        }

        void run() throws Exception {
            ok("namespace/" + ns + " created", "create", "namespace", ns);
            List<String> failures = new ArrayList<>();
            try {
                // each group of steps is reported on its own: one failure does not hide the next
                step(failures, "seed manifests", this::seedManifests);
                step(failures, "client-side apply", this::clientSideApply);
                step(failures, "server-side apply", this::serverSideApply);
                step(failures, "every workload kind", this::everyWorkloadKind);
                step(failures, "custom resources", this::customResources);
                step(failures, "printing", this::printing);
                step(failures, "discovery and explain", this::discoveryAndExplain);
                step(failures, "editing commands", this::editingCommands);
                step(failures, "rollouts", this::rollouts);
                step(failures, "imperative creates", this::imperativeCreates);
                step(failures, "deletion and waiting", this::deletionAndWaiting);
                step(failures, "validation", this::validation);
            } finally {
                kubectl.run("delete", "namespace", ns, "--wait=false");
                kubectl.run("delete", "crd", "widgets." + group, "--wait=false");
            }
            assertThat(failures).as("kubectl %s: steps that failed", version).isEmpty();
        }

        interface Step {
            void run() throws Exception;
        }

        private void step(List<String> failures, String name, Step step) {
            try {
                step.run();
            } catch (Exception | AssertionError e) {
                failures.add(name + ": " + e.getMessage());
                System.out.println("kubectl " + version + " / " + name + " FAILED: " + e.getMessage());
            }
        }

        // ---- the steps ----

        private void seedManifests() {
            for (String f : List.of("sshd-service.yaml", "sshsrv-replicaset.yaml", "web-statefulset.yaml")) {
                String out = ok(null, "-n", ns, "create", "-f", SEEDS.resolve(f).toString());
                assertThat(out).as(f).contains(" created");
            }
            // web-parallel.yaml names the same objects with another (immutable) podManagementPolicy:
            // as in the tutorial, the first StatefulSet goes before the second comes
            ok("statefulset.apps \"web\" deleted", "-n", ns, "delete", "-f", SEEDS.resolve("web-statefulset.yaml").toString(), "--timeout=60s");
            ok("statefulset.apps/web created", "-n", ns, "create", "-f", SEEDS.resolve("web-parallel.yaml").toString());
        }

        private void clientSideApply() throws IOException {
            Path deploy = write("deploy.yaml", deployment(2, "v1"));
            ok("deployment.apps/web created", "-n", ns, "apply", "-f", deploy.toString());
            ok("deployment.apps/web unchanged", "-n", ns, "apply", "-f", deploy.toString());
            ok("deployment.apps/web configured", "-n", ns, "apply", "-f", write("deploy2.yaml", deployment(2, "v2")).toString());
            String yaml = ok(null, "-n", ns, "get", "deployment", "web", "-o", "yaml", "--show-managed-fields");
            assertThat(yaml).contains("manager: kubectl-client-side-apply").contains("f:tier: {}");
            ok("successfully rolled out", "-n", ns, "rollout", "status", "deployment/web", "--timeout=" + ROLLOUT.toSeconds() + "s");
            // diff shows what an apply would change, and exits 1 when something would
            Kubectl.Result diff = kubectl.run("-n", ns, "diff", "-f", write("deploy3.yaml", deployment(3, "v2")).toString());
            assertThat(diff.exitCode()).as(diff.stderr()).isEqualTo(1);
            assertThat(diff.stdout()).contains("-  replicas: 2").contains("+  replicas: 3");
        }

        private void serverSideApply() throws IOException {
            ok("configmap/ssa serverside-applied", "-n", ns, "apply", "--server-side", "-f",
                    write("ssa.yaml", configMap("ssa", "one")).toString());
            Path other = write("ssa-other.yaml", configMap("ssa", "two"));
            Kubectl.Result conflict = kubectl.run("-n", ns, "apply", "--server-side", "--field-manager=other", "-f", other.toString());
            assertThat(conflict.exitCode()).isNotZero();
            assertThat(conflict.stderr()).contains("conflict").contains(".data.key").contains("\"kubectl\"");
            ok("configmap/ssa serverside-applied", "-n", ns, "apply", "--server-side", "--field-manager=other",
                    "--force-conflicts", "-f", other.toString());
            assertThat(ok(null, "-n", ns, "get", "cm", "ssa", "-o", "jsonpath={.data.key}")).isEqualTo("two");
            ok("serverside-applied (server dry run)", "-n", ns, "apply", "--server-side", "--dry-run=server", "-f",
                    write("ssa-dry.yaml", configMap("dry", "x")).toString());
            assertThat(kubectl.run("-n", ns, "get", "cm", "dry").exitCode()).as("a dry run writes nothing").isNotZero();
        }

        private void everyWorkloadKind() throws IOException {
            String out = ok(null, "-n", ns, "apply", "-f", write("kinds.yaml", KINDS.replace("IMAGE", IMAGE)).toString());
            assertThat(out).contains("statefulset.apps/db created", "daemonset.apps/agent created", "job.batch/once created",
                    "cronjob.batch/often created", "role.rbac.authorization.k8s.io/reader created",
                    "rolebinding.rbac.authorization.k8s.io/reader created", "persistentvolumeclaim/data created");
        }

        private void customResources() throws IOException {
            ok("customresourcedefinition.apiextensions.k8s.io/widgets." + group + " created",
                    "apply", "-f", write("crd.yaml", CRD.replace("GROUP", group)).toString());
            ok("condition met", "wait", "--for=condition=Established", "crd/widgets." + group, "--timeout=30s");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    kubectl.run("-n", ns, "apply", "-f", write("cr.yaml", WIDGET.replace("GROUP", group)).toString()).stdout()
                            .contains("widget." + group + "/w1 created"));
            assertThat(ok(null, "-n", ns, "get", "widgets", "w1", "-o", "jsonpath={.spec.size}")).isEqualTo("3");
            ok("size", "explain", "widgets." + group + ".spec");
        }

        private void printing() throws Exception {
            assertThat(ok(null, "-n", ns, "get", "deployment", "web", "-o", "wide"))
                    .containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR")
                    .containsPattern("web\\s+2/2\\s+2\\s+2\\s");
            assertThat(ok(null, "-n", ns, "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")).isEqualTo("2");
            assertThat(ok(null, "-n", ns, "get", "deployment", "web", "-o", "custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image"))
                    .containsPattern("web\\s+" + IMAGE);
            assertThat(ok(null, "-n", ns, "get", "deployment", "web", "-o", "yaml")).contains("kind: Deployment");
            assertThat(ok(null, "-n", ns, "get", "deployment", "web", "-o", "json")).contains("\"kind\": \"Deployment\"");
            assertThat(ok(null, "-n", ns, "get", "statefulset", "db")).containsPattern("NAME\\s+READY\\s+AGE");
            assertThat(ok(null, "-n", ns, "get", "daemonset", "agent"))
                    .containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+NODE SELECTOR\\s+AGE");
            assertThat(ok(null, "-n", ns, "get", "cronjob", "often")).containsPattern("NAME\\s+SCHEDULE\\s+");
            assertThat(ok(null, "-n", ns, "get", "pvc", "data")).containsPattern("NAME\\s+STATUS\\s+VOLUME\\s+CAPACITY\\s+ACCESS MODES\\s+STORAGECLASS");
            assertThat(ok(null, "-n", ns, "get", "all")).contains("deployment.apps/web").contains("service/sshd-service");
            watchPrintsAChange();
            for (String kind : List.of("deployment/web", "statefulset/db", "daemonset/agent", "job/once", "cronjob/often",
                    "role/reader", "rolebinding/reader", "pvc/data", "configmap/ssa", "service/sshd-service",
                    "replicaset/sshsrvset", "widgets." + group + "/w1")) {
                assertThat(ok(null, "-n", ns, "describe", kind)).as("describe " + kind).containsPattern("(?m)^Name:\\s+");
            }
            assertThat(ok(null, "describe", "node", "worker-0")).contains("Conditions:");
        }

        /** {@code kubectl get -w} prints the object, then again when it changes. */
        private void watchPrintsAChange() throws Exception {
            ok("configmap/watched created", "-n", ns, "create", "configmap", "watched", "--from-literal=a=1");
            Process watch = new ProcessBuilder(Kubectl.binaryOf(version), "--kubeconfig=" + config.adminKubeconfig(),
                    "-n", ns, "get", "configmap", "watched", "-w", "--no-headers").redirectErrorStream(true).start();
            try {
                List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread reader = Thread.ofVirtual().start(() -> new java.io.BufferedReader(new java.io.InputStreamReader(
                        watch.getInputStream(), StandardCharsets.UTF_8)).lines().forEach(lines::add));
                await().atMost(Duration.ofSeconds(20)).until(() -> lines.size() >= 1);
                ok("configmap/watched patched", "-n", ns, "patch", "configmap", "watched", "-p", "{\"data\":{\"b\":\"2\"}}");
                await().atMost(Duration.ofSeconds(20)).until(() -> lines.size() >= 2);
                assertThat(lines.get(1)).containsPattern("watched\\s+2\\s");
                reader.interrupt();
            } finally {
                watch.destroy();
                watch.waitFor(5, TimeUnit.SECONDS);
            }
        }

        private void discoveryAndExplain() {
            String resources = ok(null, "api-resources", "-o", "wide");
            for (String line : List.of("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment\\s+create,delete,deletecollection,get,list,patch,update,watch",
                    "pods\\s+po\\s+v1\\s+true\\s+Pod", "customresourcedefinitions\\s+crd,crds\\s+apiextensions.k8s.io/v1\\s+false")) {
                assertThat(resources).containsPattern(line);
            }
            assertThat(ok(null, "api-versions")).contains("apps/v1").contains("rbac.authorization.k8s.io/v1").contains(group + "/v1");
            String explained = ok(null, "explain", "deployment.spec.strategy", "--recursive");
            assertThat(explained).contains("rollingUpdate").contains("maxSurge").contains("maxUnavailable");
            assertThat(ok(null, "explain", "pods")).contains("spec").contains("status");
        }

        private void editingCommands() {
            ok("deployment.apps/web labeled", "-n", ns, "label", "deployment", "web", "team=blue");
            // kubectl 1.27 prints "annotate", later ones "annotated"
            ok("deployment.apps/web annotate", "-n", ns, "annotate", "deployment", "web", "note=hello");
            ok("deployment.apps/web edited", Map.of("EDITOR", "sed -i -e s/note:\\ hello/note:\\ edited/"),
                    "-n", ns, "edit", "deployment", "web");
            assertThat(ok(null, "-n", ns, "get", "deployment", "web", "-o", "jsonpath={.metadata.annotations.note}")).isEqualTo("edited");
            ok("deployment.apps/web scaled", "-n", ns, "scale", "deployment", "web", "--replicas=1");
        }

        private void rollouts() {
            // the same image under its fully qualified name: a new template, so a new ReplicaSet
            ok("deployment.apps/web image updated", "-n", ns, "set", "image", "deployment/web", "sshd=docker.io/library/" + IMAGE);
            ok("successfully rolled out", "-n", ns, "rollout", "status", "deployment/web", "--timeout=" + ROLLOUT.toSeconds() + "s");
            ok("deployment.apps/web restarted", "-n", ns, "rollout", "restart", "deployment/web");
            ok("successfully rolled out", "-n", ns, "rollout", "status", "deployment/web", "--timeout=" + ROLLOUT.toSeconds() + "s");
            assertThat(ok(null, "-n", ns, "rollout", "history", "deployment/web")).containsPattern("REVISION\\s+CHANGE-CAUSE");
            ok("deployment.apps/web rolled back", "-n", ns, "rollout", "undo", "deployment/web");
            ok("successfully rolled out", "-n", ns, "rollout", "status", "deployment/web", "--timeout=" + ROLLOUT.toSeconds() + "s");
        }

        private void imperativeCreates() {
            ok("deployment.apps/d2 created", "-n", ns, "create", "deployment", "d2", "--image=" + IMAGE);
            ok("job.batch/j2 created", "-n", ns, "create", "job", "j2", "--image=" + IMAGE);
            ok("cronjob.batch/c2 created", "-n", ns, "create", "cronjob", "c2", "--image=" + IMAGE, "--schedule=*/5 * * * *");
            ok("secret/s created", "-n", ns, "create", "secret", "generic", "s", "--from-literal=a=b");
            ok("configmap/c created", "-n", ns, "create", "configmap", "c", "--from-literal=a=b");
            ok("role.rbac.authorization.k8s.io/r created", "-n", ns, "create", "role", "r", "--verb=get", "--resource=pods");
            ok("rolebinding.rbac.authorization.k8s.io/rb created", "-n", ns, "create", "rolebinding", "rb", "--role=r", "--user=u");
            assertThat(ok(null, "-n", ns, "create", "token", "default").strip()).matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");
            ok("service/web exposed", "-n", ns, "expose", "deployment", "web", "--port=22");
            ok("pod/p created", "-n", ns, "run", "p", "--image=" + IMAGE);
        }

        private void deletionAndWaiting() {
            ok("condition met", "-n", ns, "wait", "--for=condition=Ready", "pod/p", "--timeout=120s");
            ok("condition met", "-n", ns, "wait", "--for=condition=Available", "deployment/d2", "--timeout=120s");
            ok("deployment.apps \"d2\" deleted", "-n", ns, "delete", "deployment", "d2", "--cascade=orphan", "--timeout=60s");
            // orphaned: the ReplicaSet stays, without its owner
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    ok(null, "-n", ns, "get", "rs", "-l", "app=d2", "-o", "jsonpath={.items[0].metadata.ownerReferences}").isEmpty());
            ok("deployment.apps \"web\" deleted", "-n", ns, "delete", "deployment", "web", "--cascade=foreground", "--timeout=120s");
            assertThat(ok(null, "-n", ns, "get", "rs", "-l", "app=web", "-o", "name")).as("foreground: no ReplicaSet left").isBlank();
        }

        private void validation() throws IOException {
            Kubectl.Result unknown = kubectl.run("-n", ns, "create", "-f", write("unknown.yaml", """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: bad}
                    data: {a: b}
                    spec: {foo: 1}
                    """).toString());
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.stderr()).contains("unknown field \"spec\"");
            Kubectl.Result wrongType = kubectl.run("-n", ns, "create", "-f", write("wrongtype.yaml", deployment(2, "v1")
                    .replace("name: web", "name: typed").replace("replicas: 2", "replicas: two")).toString());
            assertThat(wrongType.exitCode()).isNotZero();
            assertThat(wrongType.stderr()).containsPattern("replicas.*(int32|integer)");
            Kubectl.Result noKind = kubectl.run("-n", ns, "apply", "-f", write("nokind.yaml", """
                    apiVersion: example.com/v1
                    kind: Nothing
                    metadata: {name: x}
                    """).toString());
            assertThat(noKind.exitCode()).isNotZero();
            assertThat(noKind.stderr()).contains("no matches for kind \"Nothing\" in version \"example.com/v1\"");
        }

        // ---- helpers ----

        /** Runs kubectl, requires exit 0 and (when given) that stdout contains {@code expected}; returns stdout. */
        private String ok(String expected, String... args) {
            return ok(expected, Map.of(), args);
        }

        private String ok(String expected, Map<String, String> env, String... args) {
            Kubectl.Result r = kubectl.run(env, args);
            assertThat(r.exitCode()).as("kubectl %s %s%n%s", version, String.join(" ", args), r.stderr()).isZero();
            if (expected != null) {
                assertThat(r.stdout()).as("kubectl %s %s", version, String.join(" ", args)).contains(expected);
            }
            return r.stdout();
        }

        private Path write(String name, String text) throws IOException {
            return Files.writeString(dir.resolve(name), text);
        }

        private static String deployment(int replicas, String tier) {
            return """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: web
                      labels: {app: web, tier: TIER}
                    spec:
                      replicas: REPLICAS
                      selector:
                        matchLabels: {app: web}
                      template:
                        metadata:
                          labels: {app: web}
                        spec:
                          containers:
                          - name: sshd
                            image: IMAGE
                            ports:
                            - containerPort: 22
                    """.replace("TIER", tier).replace("REPLICAS", Integer.toString(replicas)).replace("IMAGE", IMAGE);
        }

        private static String configMap(String name, String value) {
            return """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: NAME}
                    data: {key: VALUE}
                    """.replace("NAME", name).replace("VALUE", value);
        }
    }

    private static final String KINDS = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec:
              serviceName: db
              replicas: 0
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: IMAGE}]}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  nodeSelector: {no-such-label: "true"}
                  containers: [{name: agent, image: IMAGE}]
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: once}
            spec:
              suspend: true
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: once, image: IMAGE}]
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: often}
            spec:
              schedule: "*/5 * * * *"
              suspend: true
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: often, image: IMAGE}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader}
            rules:
            - apiGroups: [""]
              resources: [pods]
              verbs: [get, list, watch]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: reader}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
            subjects:
            - {apiGroup: rbac.authorization.k8s.io, kind: User, name: someone}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            """;

    private static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.GROUP}
            spec:
              group: GROUP
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: What the widget should be.
                        properties:
                          size: {type: integer, description: How big the widget is.}
            """;

    private static final String WIDGET = """
            apiVersion: GROUP/v1
            kind: Widget
            metadata: {name: w1}
            spec: {size: 3}
            """;
}
