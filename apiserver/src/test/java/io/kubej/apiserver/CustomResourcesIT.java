package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CustomResourceDefinitions and the resources they define, through the real kubectl against the
 * real etcd: the CronTab example of the Kubernetes docs, with a schema, defaults, printer
 * columns, status and scale subresources and two versions.
 */
class CustomResourcesIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: crontabs.stable.example.com
            spec:
              group: stable.example.com
              scope: Namespaced
              names:
                plural: crontabs
                kind: CronTab
                shortNames: [ct]
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale:
                    specReplicasPath: .spec.replicas
                    statusReplicasPath: .status.replicas
                additionalPrinterColumns:
                - {name: Spec, type: string, jsonPath: .spec.cronSpec}
                - {name: Replicas, type: integer, jsonPath: .spec.replicas}
                - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        required: [cronSpec]
                        properties:
                          cronSpec: {type: string, pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'}
                          image: {type: string, default: "nginx:1.25"}
                          replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
                      status:
                        type: object
                        properties:
                          replicas: {type: integer}
              - name: v1beta1
                served: true
                storage: false
                schema:
                  openAPIV3Schema:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """;

    @TempDir
    static Path dir;
    static ApiServerUnderTest server;

    @BeforeAll
    static void start() throws Exception {
        server = ApiServerUnderTest.start(dir);
        ApiServerUnderTest.Result r = apply("default", CRD);
        assertThat(r.exit()).as(r.out()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.kubectl("get", "crontabs", "-A").exit() == 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ApiServerUnderTest.Result apply(String ns, String yaml) throws Exception {
        return server.apply(ns, yaml);
    }

    static String cronTab(String name, String spec) {
        return "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: " + name + "}\nspec:\n" + spec;
    }

    @Test
    void theDefinitionIsEstablishedAndListedByDiscovery() throws Exception {
        JsonNode crd = JSON.readTree(server.kubectl("get", "crd", "crontabs.stable.example.com", "-o", "json").out());
        boolean established = false;
        for (JsonNode c : crd.at("/status/conditions")) {
            established |= c.path("type").asText().equals("Established") && c.path("status").asText().equals("True");
        }
        assertThat(established).as(crd.at("/status").toString()).isTrue();
        assertThat(crd.at("/status/acceptedNames/kind").asText()).isEqualTo("CronTab");
        assertThat(crd.at("/spec/names/singular").asText()).isEqualTo("crontab");
        assertThat(server.kubectl("api-resources", "--api-group=stable.example.com").out())
                .containsPattern("crontabs +ct +stable.example.com/v1 +true +CronTab");
        assertThat(server.kubectl("wait", "--for=condition=Established", "crd/crontabs.stable.example.com", "--timeout=10s").exit()).isZero();
    }

    @Test
    void aCustomResourceGetsItsDefaultsAndPrinterColumns() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result r = apply(ns, cronTab("nightly", "  cronSpec: \"* * * * */5\"\n"));
        assertThat(r.out()).as(r.out()).contains("crontab.stable.example.com/nightly created");
        JsonNode ct = JSON.readTree(server.kubectl("get", "ct", "nightly", "-n", ns, "-o", "json").out());
        assertThat(ct.at("/spec/image").asText()).isEqualTo("nginx:1.25");
        assertThat(ct.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(server.kubectl("get", "crontabs", "-n", ns).out()).containsPattern("NAME +SPEC +REPLICAS +AGE")
                .containsPattern("nightly +\\* \\* \\* \\* \\*/5 +1 +\\d+s");
    }

    @Test
    void theSchemaRefusesBadValuesAndStrictValidationNamesUnknownFields() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result type = apply(ns, cronTab("a", "  cronSpec: \"* * * * *\"\n  replicas: three\n"));
        assertThat(type.exit()).isNotZero();
        assertThat(type.out()).contains("spec.replicas in body must be of type integer");
        ApiServerUnderTest.Result max = apply(ns, cronTab("b", "  cronSpec: \"* * * * *\"\n  replicas: 11\n"));
        assertThat(max.out()).contains("spec.replicas in body should be less than or equal to 10");
        ApiServerUnderTest.Result required = apply(ns, cronTab("c", "  image: x\n"));
        assertThat(required.out()).contains("spec.cronSpec: Required value");
        ApiServerUnderTest.Result pattern = apply(ns, cronTab("d", "  cronSpec: \"whenever\"\n"));
        assertThat(pattern.out()).contains("spec.cronSpec in body should match");
        ApiServerUnderTest.Result unknown = apply(ns, cronTab("e", "  cronSpec: \"* * * * *\"\n  bogus: 1\n"));
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.out()).contains("unknown field \"spec.bogus\"");
        // without strict validation the unknown field is pruned, as upstream does
        Path f = Files.createTempFile(dir, "pruned", ".yaml");
        Files.writeString(f, cronTab("f", "  cronSpec: \"* * * * *\"\n  bogus: 1\n"));
        assertThat(server.kubectl("apply", "-n", ns, "--validate=false", "-f", f.toString()).exit()).isZero();
        JsonNode pruned = JSON.readTree(server.kubectl("get", "ct", "f", "-n", ns, "-o", "json").out());
        assertThat(pruned.path("spec").has("bogus")).isFalse();
        assertThat(pruned.at("/spec/cronSpec").asText()).isEqualTo("* * * * *");
    }

    @Test
    void scaleAndStatusSubresourcesWorkAsForBuiltInKinds() throws Exception {
        String ns = server.newNamespace();
        apply(ns, cronTab("scaled", "  cronSpec: \"* * * * *\"\n"));
        assertThat(server.kubectl("scale", "crontab", "scaled", "-n", ns, "--replicas=3").out()).contains("scaled");
        assertThat(JSON.readTree(server.kubectl("get", "ct", "scaled", "-n", ns, "-o", "json").out()).at("/spec/replicas").asInt()).isEqualTo(3);
        ApiServerUnderTest.Http status = server.send("PATCH", "/apis/stable.example.com/v1/namespaces/" + ns + "/crontabs/scaled/status",
                "application/merge-patch+json", "{\"status\":{\"replicas\":2},\"spec\":{\"replicas\":9}}".getBytes(), false);
        assertThat(status.code()).as(status.body()).isEqualTo(200);
        JsonNode after = JSON.readTree(server.kubectl("get", "ct", "scaled", "-n", ns, "-o", "json").out());
        assertThat(after.at("/status/replicas").asInt()).isEqualTo(2);
        assertThat(after.at("/spec/replicas").asInt()).as("status writes never change spec").isEqualTo(3);
        ApiServerUnderTest.Http strategic = server.send("PATCH", "/apis/stable.example.com/v1/namespaces/" + ns + "/crontabs/scaled",
                "application/strategic-merge-patch+json", "{\"spec\":{\"replicas\":4}}".getBytes(), false);
        assertThat(strategic.code()).isEqualTo(415);
    }

    @Test
    void everyServedVersionReadsTheSameObjects() throws Exception {
        String ns = server.newNamespace();
        apply(ns, cronTab("both", "  cronSpec: \"* * * * *\"\n"));
        ApiServerUnderTest.Http beta = server.curl("GET", "/apis/stable.example.com/v1beta1/namespaces/" + ns + "/crontabs/both");
        JsonNode asBeta = JSON.readTree(beta.body());
        assertThat(asBeta.path("apiVersion").asText()).isEqualTo("stable.example.com/v1beta1");
        assertThat(asBeta.at("/spec/cronSpec").asText()).isEqualTo("* * * * *");
    }

    @Test
    void deletingADefinitionDeletesItsResourcesThenStopsServingIt() throws Exception {
        String other = CRD.replace("crontabs", "backups").replace("CronTab", "Backup").replace("[ct]", "[bk]");
        assertThat(apply("default", other).exit()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.kubectl("get", "backups", "-A").exit() == 0);
        String ns = server.newNamespace();
        Path f = Files.createTempFile(dir, "backup", ".yaml");
        Files.writeString(f, "apiVersion: stable.example.com/v1\nkind: Backup\nmetadata: {name: daily}\nspec: {cronSpec: \"* * * * *\"}\n");
        assertThat(server.kubectl("apply", "-n", ns, "-f", f.toString()).out()).contains("created");
        assertThat(server.kubectl("delete", "crd", "backups.stable.example.com", "--timeout=30s").exit()).isZero();
        // kubectl returns once the definition is gone, which is after its resources are
        assertThat(server.curl("GET", "/apis/stable.example.com/v1/namespaces/" + ns + "/backups").code()).isEqualTo(404);
        assertThat(server.kubectl("get", "backups", "-n", ns).exit()).isNotZero();
        try (io.etcd.jetcd.Client etcd = io.etcd.jetcd.Client.builder().endpoints(server.etcd.clientUrl()).build()) {
            var stored = etcd.getKVClient().get(io.etcd.jetcd.ByteSequence.from("/registry/stable.example.com/backups/", java.nio.charset.StandardCharsets.UTF_8),
                    io.etcd.jetcd.options.GetOption.builder().isPrefix(true).withCountOnly(true).build()).get();
            assertThat(stored.getCount()).as("the custom resources were deleted from etcd").isZero();
        }
        assertThat(server.curl("GET", "/apis/stable.example.com/v1/namespaces/" + ns + "/crontabs").code())
                .as("the other definition of the group is still served").isEqualTo(200);
    }
}
