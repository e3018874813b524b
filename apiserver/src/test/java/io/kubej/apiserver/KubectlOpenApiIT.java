package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kubectl from 1.27 to 1.33 against one kubej API server, with default flags: what
 * needs the OpenAPI documents ({@code /openapi/v2} as gnostic protobuf, {@code /openapi/v3}
 * per group version). {@code create -f} and {@code apply -f} validate (1.27 and 1.28 fetch the
 * v2 protobuf first; all probe v3 for server-side field validation), unknown fields and type
 * errors are refused in upstream's words, {@code explain} prints the fields with their
 * descriptions, {@code replace -f} of a List validates each item client-side against v2, a
 * custom resource is explained from its definition's schema, and an unknown kind is named.
 */
class KubectlOpenApiIT {
    static final List<String> VERSIONS = List.of("1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33");

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %s
            spec:
              replicas: %s
              selector:
                matchLabels: {app: %1$s}
              template:
                metadata:
                  labels: {app: %1$s}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
                    ports:
                    - containerPort: 80
            """;

    static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: %s
            data:
              greeting: hello
            """;

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: crontabs.stable.example.com
            spec:
              group: stable.example.com
              scope: Namespaced
              names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    description: A periodic job, as the CronTab example of the docs.
                    properties:
                      spec:
                        type: object
                        description: What to run and when.
                        properties:
                          cronSpec: {type: string, description: When to run it in cron syntax.}
                          replicas: {type: integer, description: How many copies run at once.}
            """;

    static final String CRON_TAB = """
            apiVersion: stable.example.com/v1
            kind: CronTab
            metadata:
              name: tab
            spec:
              cronSpec: "* * * * */5"
              replicas: %s
            """;

    @TempDir
    static Path dir;
    static ApiServerUnderTest server;
    static String bin;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServerUnderTest.start(dir);
        Process which = new ProcessBuilder("sh", "-c", "dirname \"$(readlink -f \"$(command -v kubectl)\")\"").start();
        bin = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(which.waitFor(10, TimeUnit.SECONDS)).isTrue();
        ApiServerUnderTest.Result crd = server.kubectl("apply", "-f", file("crd", CRD).toString());
        assertThat(crd.exit()).as(crd.out()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.kubectl("get", "crontabs", "-A").exit() == 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Path file(String name, String yaml) throws Exception {
        Path f = Files.createTempFile(dir, name, ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** kubectl of the given minor version, as the admin, in a shell (so a pipe can join two). */
    static ApiServerUnderTest.Result sh(String minor, String script) throws Exception {
        String k = bin + "/kubectl." + minor + " --kubeconfig " + server.kubeconfig + " --cache-dir " + dir.resolve("cache-" + minor)
                + " --request-timeout 30s";
        Process p = new ProcessBuilder("sh", "-c", script.replace("KUBECTL", k)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ApiServerUnderTest.Result(p.exitValue(), out);
    }

    static ApiServerUnderTest.Result kubectl(String minor, String... args) throws Exception {
        List<String> quoted = new ArrayList<>();
        for (String a : args) {
            quoted.add("'" + a + "'");
        }
        return sh(minor, "KUBECTL " + String.join(" ", quoted));
    }

    @Test
    void createAndApplyValidateWithDefaultFlagsOnEveryVersion() throws Exception {
        for (String v : VERSIONS) {
            String ns = server.newNamespace();
            var created = kubectl(v, "create", "-n", ns, "-f", file("d", DEPLOYMENT.formatted("made", 1)).toString(),
                    "-f", file("cm", CONFIG_MAP.formatted("made")).toString());
            assertThat(created.out()).as(v).contains("deployment.apps/made created").contains("configmap/made created");
            var applied = kubectl(v, "apply", "-n", ns, "-f", file("d", DEPLOYMENT.formatted("applied", 2)).toString(),
                    "-f", file("cm", CONFIG_MAP.formatted("applied")).toString());
            assertThat(applied.out()).as(v).contains("deployment.apps/applied created").contains("configmap/applied created");
            // a changed manifest is a strategic merge patch, which kubectl computes from the OpenAPI patch metadata
            var changed = kubectl(v, "apply", "-n", ns, "-f", file("d", DEPLOYMENT.formatted("applied", 3)).toString());
            assertThat(changed.out()).as(v).contains("deployment.apps/applied configured");
            assertThat(kubectl(v, "get", "-n", ns, "deployment/applied", "-o", "jsonpath={.spec.replicas}").out()).as(v).isEqualTo("3");
            // a custom resource: its group version's document comes and goes with its definition
            var tab = kubectl(v, "apply", "-n", ns, "-f", file("ct", CRON_TAB.formatted("3")).toString());
            assertThat(tab.out()).as(v).contains("crontab.stable.example.com/tab created");
            var unknown = kubectl(v, "apply", "-n", ns, "-f", file("ct", CRON_TAB.formatted("3\n  foo: bar")).toString());
            assertThat(unknown.exit()).as(v).isNotZero();
            assertThat(unknown.out()).as(v).contains("unknown field \"spec.foo\"");
        }
    }

    @Test
    void unknownFieldsAndTypeErrorsAreRefusedInUpstreamsWordsOnEveryVersion() throws Exception {
        String unknown = DEPLOYMENT.formatted("bad", 1).replace("spec:\n  replicas", "spec:\n  foo: bar\n  replicas");
        String wrongType = DEPLOYMENT.formatted("bad", "two");
        for (String v : VERSIONS) {
            String ns = server.newNamespace();
            for (String verb : List.of("create", "apply")) {
                var r = kubectl(v, verb, "-n", ns, "-f", file("bad", unknown).toString());
                assertThat(r.exit()).as(v + " " + verb).isNotZero();
                assertThat(r.out()).as(v + " " + verb).contains("unknown field \"spec.foo\"");
                var t = kubectl(v, verb, "-n", ns, "-f", file("bad", wrongType).toString());
                assertThat(t.exit()).as(v + " " + verb).isNotZero();
                assertThat(t.out()).as(v + " " + verb).contains(
                        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
            }
        }
    }

    @Test
    void explainPrintsFieldsAndDescriptionsOnEveryVersion() throws Exception {
        for (String v : VERSIONS) {
            var strategy = kubectl(v, "explain", "deployment.spec.strategy", "--recursive");
            assertThat(strategy.exit()).as(v + strategy.out()).isZero();
            assertThat(strategy.out()).as(v).contains("KIND:", "Deployment", "rollingUpdate", "maxSurge", "maxUnavailable", "type")
                    .contains("DeploymentStrategy describes how to replace existing pods with new ones.");
            var pods = kubectl(v, "explain", "pods");
            assertThat(pods.exit()).as(v + pods.out()).isZero();
            assertThat(pods.out()).as(v).contains("Pod is a collection of containers", "metadata", "spec", "status",
                    "ObjectMeta", "PodSpec");
            var crd = kubectl(v, "explain", "crontabs.spec");
            assertThat(crd.exit()).as(v + crd.out()).isZero();
            assertThat(crd.out()).as(v).contains("CronTab", "cronSpec", "When to run it in cron syntax.", "replicas");
        }
    }

    /**
     * Every resource discovery lists has a schema explain can walk (the oldest and the newest
     * kubectl, whose templates differ). {@code events.events.k8s.io} is left out: kubectl itself
     * reads it as the core {@code events} and a field path {@code events.k8s.io}, upstream too.
     */
    @Test
    void everyServedResourceIsExplainedRecursively() throws Exception {
        for (String v : List.of("1.27", "1.33")) {
            var r = sh(v, "for r in $(KUBECTL api-resources -o name | grep -vx events.events.k8s.io); do"
                    + " KUBECTL explain $r --recursive > /dev/null 2>&1 || echo \"cannot explain $r\"; done; echo swept");
            assertThat(r.out()).as(v).doesNotContain("cannot explain").contains("swept");
        }
        assertThat(kubectl("1.33", "explain", "bindings").out()).contains("KIND:", "Binding", "target");
    }

    @Test
    void replaceOfAListValidatesEachItemOnEveryVersion() throws Exception {
        for (String v : VERSIONS) {
            String ns = server.newNamespace();
            assertThat(kubectl(v, "create", "-n", ns, "-f", file("cm", CONFIG_MAP.formatted("one")).toString()).exit()).isZero();
            assertThat(kubectl(v, "create", "-n", ns, "-f", file("cm", CONFIG_MAP.formatted("two")).toString()).exit()).isZero();
            assertThat(kubectl(v, "create", "-n", ns, "-f", file("d", DEPLOYMENT.formatted("three", 1)).toString()).exit()).isZero();
            // every field the server answers with (managedFields, defaults, status) must be in the v2 schema
            var r = sh(v, "KUBECTL get cm,deployments -n " + ns + " -o json | KUBECTL replace -f -");
            assertThat(r.exit()).as(v + r.out()).isZero();
            assertThat(r.out()).as(v).contains("configmap/one replaced", "configmap/two replaced", "deployment.apps/three replaced");
            var bad = sh(v, "KUBECTL get cm -n " + ns + " -o json | sed 's/\"data\":/\"dta\":/' | KUBECTL replace -f -");
            assertThat(bad.exit()).as(v + bad.out()).isNotZero();
            assertThat(bad.out()).as(v).contains("unknown field \"dta\" in io.k8s.api.core.v1.ConfigMap");
            var wrongType = sh(v, "KUBECTL get deployments -n " + ns + " -o json | sed 's/\"replicas\": 1,/\"replicas\": \"one\",/'"
                    + " | KUBECTL replace -f -");
            assertThat(wrongType.exit()).as(v + wrongType.out()).isNotZero();
            assertThat(wrongType.out()).as(v).contains("ValidationError(Deployment.spec.replicas): invalid type for "
                    + "io.k8s.api.apps.v1.DeploymentSpec.replicas: got \"string\", expected \"integer\"");
        }
    }

    @Test
    void applyingAKindTheServerLacksNamesItOnEveryVersion() throws Exception {
        String yaml = """
                apiVersion: example.com/v1
                kind: Widget
                metadata:
                  name: w
                """;
        Path widget = file("widget", yaml);
        for (String v : VERSIONS) {
            for (String validate : List.of("--validate=strict", "--validate=warn", "--validate=false")) {
                var r = kubectl(v, "apply", validate, "-n", "default", "-f", widget.toString());
                assertThat(r.exit()).as(v + " " + validate).isNotZero();
                assertThat(r.out()).as(v + " " + validate).contains("no matches for kind \"Widget\" in version \"example.com/v1\"");
            }
        }
    }

    /** The documents revalidate by ETag; the v2 protobuf is served under the content type Go's media-type parser accepts. */
    @Test
    void openApiDocumentsCarryETagsAndAnswer304WhenUnchanged() throws Exception {
        Path pki = dir.resolve("pki");
        List<String> admin = List.of("--cert", pki.resolve("admin.pem").toString(), "--key", pki.resolve("admin-key.pem").toString());
        for (String path : List.of("/openapi/v2", "/openapi/v3", "/openapi/v3/apis/apps/v1")) {
            List<String> args = new ArrayList<>(admin);
            args.add("-i");
            ApiServerUnderTest.Http first = server.curlWith(args, path);
            assertThat(first.code()).as(path).isEqualTo(200);
            String etag = first.body().lines().filter(l -> l.toLowerCase().startsWith("etag:")).findFirst().orElseThrow()
                    .substring(5).trim();
            List<String> again = new ArrayList<>(admin);
            again.addAll(List.of("-H", "If-None-Match: " + etag));
            ApiServerUnderTest.Http second = server.curlWith(again, path);
            assertThat(second.code()).as(path).isEqualTo(304);
            assertThat(second.body()).isEmpty();
        }
        List<String> pb = new ArrayList<>(admin);
        pb.addAll(List.of("-o", "/dev/null", "-D", "-", "-H", "Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf"));
        assertThat(server.curlWith(pb, "/openapi/v2").body())
                .containsIgnoringCase("content-type: application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    }
}
