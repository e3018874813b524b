package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-side apply and managedFields with the real kubectl, oldest and newest: {@code apply
 * --server-side} creates and merges, a second manager conflicts until it forces, client-side
 * apply is tracked and migrates to server-side apply, dry runs write nothing, {@code diff
 * --server-side} shows the change, list-map items merge by their keys, custom resources too.
 */
class ServerSideApplyIT {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The oldest and newest kubectl on the machine. */
    static final String[] KUBECTLS = {"1.27", "1.33"};

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

    static String deployment(int replicas, String image, String env) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {app: web}
                spec:
                  replicas: %d
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: nginx
                        image: %s
                        ports:
                        - containerPort: 80
                        env:
                        - {name: %s, value: "1"}
                """.formatted(replicas, image, env);
    }

    static Path file(String yaml) throws Exception {
        Path f = Files.createTempFile(dir, "manifest", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    /** kubectl of that version, with its default flags (1.27 validates against /openapi/v2). */
    static ApiServerUnderTest.Result kubectl(String minor, String... args) throws Exception {
        return server.kubectlVersion(minor, args);
    }

    static JsonNode get(String ns, String what) throws Exception {
        ApiServerUnderTest.Result r = server.kubectl("get", what, "-n", ns, "-o", "json", "--show-managed-fields");
        assertThat(r.exit()).as(r.out()).isZero();
        return JSON.readTree(r.out());
    }

    static JsonNode entry(JsonNode object, String manager, String operation) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void applyServerSideCreatesThenASecondManagerConflictsOnReplicasUntilItForces() throws Exception {
        for (String minor : KUBECTLS) {
            String ns = server.newNamespace();
            ApiServerUnderTest.Result created = kubectl(minor, "apply", "--server-side", "-n", ns, "-f", file(deployment(2, "nginx:1", "A")).toString());
            assertThat(created.out()).as(minor).contains("deployment.apps/web serverside-applied");
            JsonNode d = get(ns, "deployment/web");
            JsonNode mine = entry(d, "kubectl", "Apply");
            assertThat(mine).as(minor + ": " + d.path("metadata").path("managedFields")).isNotNull();
            assertThat(mine.path("fieldsType").asText()).isEqualTo("FieldsV1");
            assertThat(mine.path("time").asText()).isNotEmpty();
            assertThat(mine.at("/fieldsV1/f:spec/f:replicas").isObject()).isTrue();
            assertThat(mine.at("/fieldsV1/f:spec/f:template/f:spec/f:containers/k:{\"name\":\"nginx\"}/f:ports"
                    + "/k:{\"containerPort\":80,\"protocol\":\"TCP\"}/f:containerPort").isObject()).isTrue();

            Path replicas = file("""
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: web}
                    spec: {replicas: 5}
                    """);
            ApiServerUnderTest.Result conflict = kubectl(minor, "apply", "--server-side", "--field-manager=scaler", "-n", ns, "-f", replicas.toString());
            assertThat(conflict.exit()).as(minor).isNotZero();
            assertThat(conflict.out()).as(minor).contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");

            ApiServerUnderTest.Result forced = kubectl(minor, "apply", "--server-side", "--field-manager=scaler", "--force-conflicts",
                    "-n", ns, "-f", replicas.toString());
            assertThat(forced.out()).as(minor).contains("deployment.apps/web serverside-applied");
            d = get(ns, "deployment/web");
            assertThat(d.at("/spec/replicas").asInt()).isEqualTo(5);
            assertThat(entry(d, "scaler", "Apply").at("/fieldsV1/f:spec/f:replicas").isObject()).isTrue();
            assertThat(entry(d, "kubectl", "Apply").at("/fieldsV1/f:spec/f:replicas").isMissingNode()).isTrue();
            assertThat(d.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1");
        }
    }

    @Test
    void clientSideApplyIsTrackedThenMigratesToServerSideApply() throws Exception {
        for (String minor : KUBECTLS) {
            String ns = server.newNamespace();
            Path v1 = file(deployment(2, "nginx:1", "A"));
            assertThat(kubectl(minor, "apply", "-n", ns, "-f", v1.toString()).out()).as(minor).contains("deployment.apps/web created");
            assertThat(kubectl(minor, "apply", "-n", ns, "-f", v1.toString()).out()).as(minor).contains("deployment.apps/web unchanged");
            JsonNode before = get(ns, "deployment/web");
            ApiServerUnderTest.Result changed = kubectl(minor, "apply", "-n", ns, "-f", file(deployment(2, "nginx:2", "A")).toString());
            assertThat(changed.out()).as(minor).contains("deployment.apps/web configured");
            JsonNode after = get(ns, "deployment/web");
            assertThat(after.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:2");
            assertThat(after.at("/metadata/generation").asInt()).isEqualTo(before.at("/metadata/generation").asInt() + 1);
            JsonNode csa = entry(after, "kubectl-client-side-apply", "Update");
            assertThat(csa).as(minor + ": " + after.path("metadata").path("managedFields")).isNotNull();
            assertThat(csa.at("/fieldsV1/f:metadata/f:annotations/f:kubectl.kubernetes.io~1last-applied-configuration").isObject()).isTrue();
            ApiServerUnderTest.Result yaml = server.kubectl("get", "deployment/web", "-n", ns, "-o", "yaml", "--show-managed-fields");
            assertThat(yaml.out()).contains("manager: kubectl-client-side-apply").contains("operation: Update").contains("fieldsType: FieldsV1");

            // the first server-side apply takes client-side apply's fields over without a conflict, even with a changed value
            ApiServerUnderTest.Result ssa = kubectl(minor, "apply", "--server-side", "-n", ns, "-f", file(deployment(3, "nginx:2", "A")).toString());
            assertThat(ssa.out()).as(minor).contains("deployment.apps/web serverside-applied");
            JsonNode migrated = get(ns, "deployment/web");
            assertThat(migrated.at("/spec/replicas").asInt()).isEqualTo(3);
            assertThat(entry(migrated, "kubectl", "Apply")).isNotNull();
            assertThat(entry(migrated, "kubectl-client-side-apply", "Update")).as(minor + ": " + migrated.path("metadata").path("managedFields")).isNull();
            // and keeps the last-applied annotation current, so client-side apply still works after it
            assertThat(migrated.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText()).contains("\"replicas\":3");
        }
    }

    @Test
    void dryRunServerWritesNothingAndDiffServerSideShowsTheChange() throws Exception {
        for (String minor : KUBECTLS) {
            String ns = server.newNamespace();
            Path v1 = file(deployment(2, "nginx:1", "A"));
            ApiServerUnderTest.Result dry = kubectl(minor, "apply", "--server-side", "--dry-run=server", "-n", ns, "-f", v1.toString());
            assertThat(dry.out()).as(minor).contains("deployment.apps/web serverside-applied (server dry run)");
            assertThat(server.kubectl("get", "deployment/web", "-n", ns).out()).contains("NotFound");

            assertThat(kubectl(minor, "apply", "--server-side", "-n", ns, "-f", v1.toString()).exit()).isZero();
            ApiServerUnderTest.Result diff = kubectl(minor, "diff", "--server-side", "-n", ns, "-f", file(deployment(4, "nginx:1", "A")).toString());
            assertThat(diff.exit()).as(minor + ": " + diff.out()).isEqualTo(1);
            assertThat(diff.out()).contains("-  replicas: 2").contains("+  replicas: 4");
            assertThat(get(ns, "deployment/web").at("/spec/replicas").asInt()).isEqualTo(2);
        }
    }

    @Test
    void twoAppliersMergeContainerEnvByNameAndAGivenUpItemIsRemoved() throws Exception {
        String ns = server.newNamespace();
        assertThat(server.kubectl("apply", "--server-side", "-n", ns, "-f", file(deployment(1, "nginx:1", "A")).toString()).exit()).isZero();
        Path sidecarEnv = file("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                      - name: nginx
                        env:
                        - {name: B, value: "2"}
                        ports:
                        - {containerPort: 9090, protocol: UDP}
                """);
        ApiServerUnderTest.Result second = server.kubectl("apply", "--server-side", "--field-manager=injector", "-n", ns, "-f", sidecarEnv.toString());
        assertThat(second.out()).contains("serverside-applied");
        JsonNode c = get(ns, "deployment/web").at("/spec/template/spec/containers/0");
        assertThat(c.path("env").toString()).contains("\"A\"").contains("\"B\"");
        assertThat(c.path("ports").size()).isEqualTo(2);
        assertThat(c.path("image").asText()).isEqualTo("nginx:1");

        // the first applier stops applying env A: it goes; B, owned by the other, stays
        assertThat(server.kubectl("apply", "--server-side", "-n", ns, "-f", file(deployment(1, "nginx:1", "C")).toString()).exit()).isZero();
        JsonNode env = get(ns, "deployment/web").at("/spec/template/spec/containers/0/env");
        assertThat(env.toString()).doesNotContain("\"A\"").contains("\"B\"").contains("\"C\"");
    }

    @Test
    void aCustomResourceAppliesWithItsSchemasListTypes() throws Exception {
        Path crd = file("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.ssa.example.com}
                spec:
                  group: ssa.example.com
                  scope: Namespaced
                  names: {plural: gadgets, singular: gadget, kind: Gadget}
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
                            properties:
                              size: {type: integer}
                              parts:
                                type: array
                                x-kubernetes-list-type: map
                                x-kubernetes-list-map-keys: [name]
                                items:
                                  type: object
                                  required: [name]
                                  properties:
                                    name: {type: string}
                                    count: {type: integer}
                """);
        assertThat(server.kubectl("apply", "--server-side", "-f", crd.toString()).out()).contains("serverside-applied");
        String ns = server.newNamespace();
        Path mine = file("""
                apiVersion: ssa.example.com/v1
                kind: Gadget
                metadata: {name: g}
                spec:
                  size: 1
                  parts: [{name: a, count: 1}]
                """);
        Path theirs = file("""
                apiVersion: ssa.example.com/v1
                kind: Gadget
                metadata: {name: g}
                spec:
                  size: 2
                  parts: [{name: b, count: 2}]
                """);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(server.kubectl("apply", "--server-side", "-n", ns, "-f", mine.toString()).out()).contains("gadget.ssa.example.com/g serverside-applied"));
        ApiServerUnderTest.Result conflict = server.kubectl("apply", "--server-side", "--field-manager=other", "-n", ns, "-f", theirs.toString());
        assertThat(conflict.out()).contains("conflict with \"kubectl\": .spec.size");
        assertThat(server.kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-n", ns, "-f", theirs.toString()).exit()).isZero();
        JsonNode g = get(ns, "gadget/g");
        assertThat(g.at("/spec/size").asInt()).isEqualTo(2);
        assertThat(g.at("/spec/parts").size()).isEqualTo(2);
    }

    @Test
    void anApplyWithoutFieldManagerIsRefusedAsUpstream() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Http r = server.send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/c", "application/apply-patch+yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n".getBytes(StandardCharsets.UTF_8), false);
        assertThat(r.code()).isEqualTo(422);
        assertThat(r.body()).contains("PatchOptions.meta.k8s.io \\\"\\\" is invalid: fieldManager: Required value: is required for apply patch");
        ApiServerUnderTest.Http created = server.send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/c?fieldManager=me",
                "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n".getBytes(StandardCharsets.UTF_8), false);
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"manager\":\"me\"").contains("\"operation\":\"Apply\"").contains("\"f:data\":{\"f:a\":{}}");
    }

    @Test
    void aStatusWriteIsTrackedInItsOwnEntryAndOneEmptyEntryClearsManagedFields() throws Exception {
        String ns = server.newNamespace();
        assertThat(server.kubectl("apply", "--server-side", "-n", ns, "-f", file(deployment(1, "nginx:1", "A")).toString()).exit()).isZero();
        ApiServerUnderTest.Result status = server.kubectl("patch", "deployment/web", "-n", ns, "--subresource=status", "--type=merge",
                "-p", "{\"status\":{\"observedGeneration\":1}}");
        assertThat(status.exit()).as(status.out()).isZero();
        JsonNode d = get(ns, "deployment/web");
        JsonNode patchedStatus = entry(d, "kubectl-patch", "Update");
        assertThat(patchedStatus).as(d.path("metadata").path("managedFields").toString()).isNotNull();
        assertThat(patchedStatus.path("subresource").asText()).isEqualTo("status");
        assertThat(patchedStatus.path("fieldsV1").toString()).isEqualTo("{\"f:status\":{\"f:observedGeneration\":{}}}");

        ApiServerUnderTest.Http applied = server.send("PATCH", "/apis/apps/v1/namespaces/" + ns + "/deployments/web/status?fieldManager=rollout",
                "application/apply-patch+yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nstatus: {replicas: 1}\n"
                        .getBytes(StandardCharsets.UTF_8), false);
        assertThat(applied.code()).as(applied.body()).isEqualTo(200);
        JsonNode statusApplier = entry(get(ns, "deployment/web"), "rollout", "Apply");
        assertThat(statusApplier.path("subresource").asText()).isEqualTo("status");
        assertThat(statusApplier.path("fieldsV1").toString()).isEqualTo("{\"f:status\":{\"f:replicas\":{}}}");

        ApiServerUnderTest.Result reset = server.kubectl("patch", "deployment/web", "-n", ns, "--type=merge",
                "-p", "{\"metadata\":{\"managedFields\":[{}]}}");
        assertThat(reset.exit()).as(reset.out()).isZero();
        assertThat(get(ns, "deployment/web").path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void kubectlScaleIsTrackedAsAScaleWriteWhichAServerSideApplyThenConflictsWith() throws Exception {
        String ns = server.newNamespace();
        assertThat(server.kubectl("apply", "--server-side", "-n", ns, "-f", file(deployment(1, "nginx:1", "A")).toString()).exit()).isZero();
        assertThat(server.kubectl("scale", "deployment/web", "-n", ns, "--replicas=4").exit()).isZero();
        JsonNode d = get(ns, "deployment/web");
        JsonNode scaled = null;
        for (JsonNode e : d.path("metadata").path("managedFields")) {
            if (e.path("subresource").asText().equals("scale")) {
                scaled = e;
            }
        }
        assertThat(scaled).as(d.path("metadata").path("managedFields").toString()).isNotNull();
        assertThat(scaled.path("fieldsV1").toString()).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        ApiServerUnderTest.Result conflict = server.kubectl("apply", "--server-side", "-n", ns, "-f", file(deployment(1, "nginx:1", "A")).toString());
        assertThat(conflict.out()).containsPattern("Apply failed with 1 conflict: conflict with \"[^\"]+\" with subresource \"scale\" using apps/v1: \\.spec\\.replicas");
    }

    /** A Role allowing one verb on configmaps, bound to the user patcher, applied server-side (kubectl create role sends protobuf). */
    static void grant(String ns, String name, String verb) throws Exception {
        ApiServerUnderTest.Result r = server.kubectl("apply", "--server-side", "-n", ns, "-f", file("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: %1$s}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [%2$s]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: %1$s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: %1$s}
                subjects:
                - {apiGroup: rbac.authorization.k8s.io, kind: User, name: patcher}
                """.formatted(name, verb)).toString());
        assertThat(r.exit()).as(r.out()).isZero();
    }

    @Test
    void anApplyThatCreatesNeedsTheCreatePermissionToo() throws Exception {
        String ns = server.newNamespace();
        server.user("patcher", "patcher");
        grant(ns, "patch-cm", "patch");
        byte[] config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n".getBytes(StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(server.certificate("patcher"));
        Path body = file(new String(config, StandardCharsets.UTF_8));
        args.addAll(List.of("-X", "PATCH", "-H", "Content-Type: application/apply-patch+yaml", "--data-binary", "@" + body));
        ApiServerUnderTest.Http refused = server.curlWith(args, "/api/v1/namespaces/" + ns + "/configmaps/c?fieldManager=p");
        assertThat(refused.code()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("User \\\"patcher\\\" cannot create resource \\\"configmaps\\\"");
        grant(ns, "create-cm", "create");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(server.curlWith(args, "/api/v1/namespaces/" + ns + "/configmaps/c?fieldManager=p").code()).isEqualTo(201));
    }

    @Test
    void theFabric8ClientAppliesServerSideAndForcesConflicts() {
        String ns = server.newNamespace();
        io.fabric8.kubernetes.api.model.ConfigMap mine = new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("settings").withNamespace(ns).endMetadata().addToData("mode", "a").build();
        server.client.resource(mine).fieldManager("operator").serverSideApply();
        io.fabric8.kubernetes.api.model.ConfigMap theirs = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(mine)
                .withData(java.util.Map.of("mode", "b")).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server.client.resource(theirs).fieldManager("human").serverSideApply())
                .isInstanceOfSatisfying(io.fabric8.kubernetes.client.KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("conflict with \"operator\": .data.mode");
                });
        io.fabric8.kubernetes.api.model.ConfigMap forced = server.client.resource(theirs).fieldManager("human").forceConflicts().serverSideApply();
        assertThat(forced.getData()).containsEntry("mode", "b");
        assertThat(forced.getMetadata().getManagedFields()).extracting(io.fabric8.kubernetes.api.model.ManagedFieldsEntry::getManager)
                .containsExactly("human");
    }
}
