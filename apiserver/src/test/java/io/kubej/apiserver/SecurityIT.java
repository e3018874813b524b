package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.kubej.apiserver.serviceaccount.Claims;
import io.kubej.apiserver.serviceaccount.ServiceAccountKeys;
import io.kubej.apiserver.serviceaccount.TokenGenerator;
import io.kubej.pki.CertificateAuthority;
import io.kubej.pki.CertificateRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication and authorization against a real etcd and API server started with the hard
 * way's flags (--client-ca-file, service-account keys and issuer, --authorization-mode=Node,RBAC,
 * NodeRestriction), with curl and the real kubectl as the clients.
 */
class SecurityIT {
    @TempDir
    static Path dir;
    static ApiServerUnderTest api;

    static CertificateAuthority frontProxyCa;

    @BeforeAll
    static void start() throws Exception {
        frontProxyCa = CertificateAuthority.create();
        Path frontProxyCaFile = dir.resolve("front-proxy-ca.pem");
        java.nio.file.Files.writeString(frontProxyCaFile, io.kubej.pki.Pem.encode(frontProxyCa.certificate()));
        api = ApiServerUnderTest.start(dir, flags -> {
            flags.enableBootstrapTokenAuth = true;
            flags.requestheaderClientCaFile = frontProxyCaFile.toFile();
            flags.requestheaderAllowedNames = List.of("front-proxy-client");
            flags.requestheaderUsernameHeaders = List.of("X-Remote-User");
            flags.requestheaderGroupHeaders = List.of("X-Remote-Group");
            flags.requestheaderExtraHeadersPrefix = List.of("X-Remote-Extra-");
        });
    }

    @Test
    void bootstrapTokensAuthenticateJoiningNodes() throws Exception {
        String tokenSecret = """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"bootstrap-token-abcdef","namespace":"kube-system"},
                 "type":"bootstrap.kubernetes.io/token",
                 "stringData":{"token-id":"abcdef","token-secret":"0123456789abcdef","usage-bootstrap-authentication":"true",
                               "auth-extra-groups":"system:bootstrappers:worker"}}""";
        assertThat(api.send("POST", "/api/v1/namespaces/kube-system/secrets", "application/json", tokenSecret.getBytes(), false).code()).isEqualTo(201);
        ApiServerUnderTest.Http whoami = api.sendWith(List.of("-H", bearer("abcdef.0123456789abcdef")), "POST",
                "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(whoami.code()).isEqualTo(201);
        assertThat(whoami.body()).contains("\"username\":\"system:bootstrap:abcdef\"").contains("system:bootstrappers:worker");
        assertThat(api.curlWith(List.of("-H", bearer("abcdef.0123456789abcdee")), "/apis").code()).isEqualTo(401);
        assertThat(api.curlWith(List.of("-H", bearer("zzzzzz.0123456789abcdef")), "/apis").code()).isEqualTo(401);
    }

    @Test
    void theFrontProxysHeadersCountOnlyFromItsCertificate() throws Exception {
        api.issue(CertificateRequest.client("front-proxy-client", "front-proxy-client"), frontProxyCa);
        api.issue(CertificateRequest.client("other-proxy", "other-proxy"), frontProxyCa);
        List<String> headers = List.of("-H", "X-Remote-User: jane", "-H", "X-Remote-Group: devs", "-H", "X-Remote-Extra-Scopes: a");
        List<String> fromProxy = new java.util.ArrayList<>(api.certificate("front-proxy-client"));
        fromProxy.addAll(headers);
        fromProxy.addAll(List.of("-X", "POST", "-H", "Content-Type: application/json", "--data",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}"));
        ApiServerUnderTest.Http jane = api.curlWith(fromProxy, "/apis/authentication.k8s.io/v1/selfsubjectreviews");
        assertThat(jane.code()).isEqualTo(201);
        assertThat(jane.body()).contains("\"username\":\"jane\"").contains("devs").contains("\"scopes\":[\"a\"]");
        // the same headers from a certificate not in --requestheader-allowed-names are not believed
        List<String> fromOther = new java.util.ArrayList<>(api.certificate("other-proxy"));
        fromOther.addAll(headers);
        assertThat(api.curlWith(fromOther, "/apis").code()).isEqualTo(401);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    /** A token signed with the cluster's service-account key, with any issuer and validity. */
    private static String signedToken(String issuer, String namespace, String sa, String saUid, Instant from, Instant until) throws Exception {
        Path key = dir.resolve("pki").resolve("service-account-key.pem");
        TokenGenerator g = new TokenGenerator(issuer, ServiceAccountKeys.privateKey(key), ServiceAccountKeys.publicKeyOfPrivate(key));
        return g.generate(new Claims(namespace, new Claims.Ref(sa, saUid), null, null, null), List.of(ApiServerUnderTest.ISSUER), from, until);
    }

    @Test
    void badCredentialsAreUnauthorized() throws Exception {
        // no credentials at all
        assertThat(api.curlWith(List.of(), "/api/v1/namespaces").code()).isEqualTo(401);
        // health stays readable anonymously (--anonymous-auth defaults to true, public-info-viewer)
        assertThat(api.curlWith(List.of(), "/healthz").code()).isEqualTo(200);
        // a certificate from another CA, with the admin's name and group
        api.issue(CertificateRequest.client("foreign-admin", "admin", "system:masters"), CertificateAuthority.create());
        ApiServerUnderTest.Http foreign = api.curlWith(api.certificate("foreign-admin"), "/api/v1/namespaces");
        assertThat(foreign.code()).isEqualTo(401);
        assertThat(foreign.body()).contains("\"reason\":\"Unauthorized\"");
        // a certificate of the cluster's CA without the clientAuth usage
        api.issue(new CertificateRequest("server-only", "admin", List.of("system:masters"), List.of("127.0.0.1"), false, true), api.clusterCa());
        assertThat(api.curlWith(api.certificate("server-only"), "/api/v1/namespaces").code()).isEqualTo(401);

        String saUid = api.client.serviceAccounts().inNamespace("default").withName("default").get() == null
                ? createDefaultServiceAccount() : api.client.serviceAccounts().inNamespace("default").withName("default").get().getMetadata().getUid();
        // control: a valid token of ours authenticates (discovery is open to every authenticated user)
        String good = signedToken(ApiServerUnderTest.ISSUER, "default", "default", saUid, Instant.now(), Instant.now().plusSeconds(600));
        assertThat(api.curlWith(List.of("-H", bearer(good)), "/apis").code()).isEqualTo(200);
        // expired (beyond the minute of leeway)
        String expired = signedToken(ApiServerUnderTest.ISSUER, "default", "default", saUid,
                Instant.now().minus(Duration.ofHours(2)), Instant.now().minus(Duration.ofMinutes(5)));
        assertThat(api.curlWith(List.of("-H", bearer(expired)), "/apis").code()).isEqualTo(401);
        // another issuer
        String otherIssuer = signedToken("https://someone-else.example", "default", "default", saUid, Instant.now(), Instant.now().plusSeconds(600));
        assertThat(api.curlWith(List.of("-H", bearer(otherIssuer)), "/apis").code()).isEqualTo(401);
        // not a JWT at all
        assertThat(api.curlWith(List.of("-H", bearer("not-a-token")), "/apis").code()).isEqualTo(401);
    }

    private static String createDefaultServiceAccount() {
        return api.client.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("default").endMetadata().build()).create().getMetadata().getUid();
    }

    @Test
    void aTokenBoundToAPodDiesWithThePod() throws Exception {
        String ns = api.newNamespace();
        api.client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("runner").endMetadata().build()).create();
        var pod = api.client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewSpec().withServiceAccountName("runner").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                .build()).create();
        String body = """
                {"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p"}}}""";
        ApiServerUnderTest.Http created = api.send("POST", "/api/v1/namespaces/" + ns + "/serviceaccounts/runner/token",
                "application/json", body.getBytes(), false);
        assertThat(created.code()).isEqualTo(201);
        var answer = io.kubej.apiserver.api.Json.parse(created.body().getBytes());
        String token = answer.path("status").path("token").asText();
        assertThat(answer.path("spec").path("boundObjectRef").path("uid").asText()).isEqualTo(pod.getMetadata().getUid());
        assertThat(answer.path("spec").path("expirationSeconds").asLong()).isEqualTo(3600);

        // the token is who it says, with the bound pod in its extra
        ApiServerUnderTest.Http whoami = api.sendWith(List.of("-H", bearer(token)), "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        assertThat(whoami.code()).isEqualTo(201);
        assertThat(whoami.body()).contains("\"username\":\"system:serviceaccount:" + ns + ":runner\"")
                .contains("system:serviceaccounts:" + ns).contains("\"authentication.kubernetes.io/pod-name\":[\"p\"]");

        // a TokenReview says the same
        ApiServerUnderTest.Http review = api.send("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                ("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\"}}").getBytes(), false);
        assertThat(review.body()).contains("\"authenticated\":true").contains("system:serviceaccount:" + ns + ":runner");

        api.client.pods().inNamespace(ns).withName("p").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.client.pods().inNamespace(ns).withName("p").get() == null);
        assertThat(api.curlWith(List.of("-H", bearer(token)), "/apis").code()).isEqualTo(401);
        ApiServerUnderTest.Http after = api.send("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                ("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\"}}").getBytes(), false);
        assertThat(after.body()).contains("\"authenticated\":false");
    }

    @Test
    void tokenRequestsAreValidated() throws Exception {
        String ns = api.newNamespace();
        api.client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("sa").endMetadata().build()).create();
        String path = "/api/v1/namespaces/" + ns + "/serviceaccounts/sa/token";
        assertThat(api.send("POST", path, "application/json",
                "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\",\"spec\":{\"expirationSeconds\":60}}".getBytes(), false)
                .body()).contains("may not specify a duration less than 10 minutes");
        assertThat(api.send("POST", path, "application/json",
                "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\",\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\",\"name\":\"x\"}}}".getBytes(), false)
                .code()).isEqualTo(400);
        assertThat(api.send("POST", "/api/v1/namespaces/" + ns + "/serviceaccounts/missing/token", "application/json",
                "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\"}".getBytes(), false).code()).isEqualTo(404);
        // kubectl create token, then the token works with kubectl
        ApiServerUnderTest.Result token = api.kubectl("create", "token", "sa", "-n", ns);
        assertThat(token.exit()).as(token.out()).isZero();
        ApiServerUnderTest.Result whoami = api.kubectlAs(Path.of("/dev/null"), "--server", "https://127.0.0.1:" + api.apiserver.port(),
                "--certificate-authority", dir.resolve("pki/ca.pem").toString(), "--token", token.out().trim(), "auth", "whoami");
        assertThat(whoami.out()).contains("system:serviceaccount:" + ns + ":sa");
    }

    @Test
    void rbacGrantsWhatABindingSaysAndNoMore() throws Exception {
        String ns = api.newNamespace();
        Path alice = api.user("alice", "alice");
        ApiServerUnderTest.Result denied = api.kubectlAs(alice, "get", "pods", "-n", ns);
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.out()).contains("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"" + ns + "\"");

        api.client.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("pod-reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("pods").withVerbs("get", "list", "watch").endRule().build()).create();
        api.client.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName("alice-reads").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "pod-reader")
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName("alice").endSubject().build()).create();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(100)).until(() -> api.kubectlAs(alice, "get", "pods", "-n", ns).exit() == 0);
        // the binding is for this namespace only, and for reading only
        assertThat(api.kubectlAs(alice, "get", "pods", "-n", "default").exit()).isNotZero();
        assertThat(api.kubectlAs(alice, "delete", "pod", "x", "-n", ns).out()).contains("cannot delete resource \"pods\"");
        assertThat(api.kubectlAs(alice, "auth", "can-i", "list", "pods", "-n", ns).out().trim()).isEqualTo("yes");
        assertThat(api.kubectl("auth", "can-i", "create", "pods", "-n", ns, "--as=alice").out().trim()).isEqualTo("no");
        assertThat(api.kubectl("auth", "can-i", "list", "pods", "-n", ns, "--as=alice").out().trim()).isEqualTo("yes");

        api.client.rbac().roleBindings().inNamespace(ns).withName("alice-reads").delete();
        long removed = System.nanoTime();
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> api.curlWith(api.certificate("alice"), "/api/v1/namespaces/" + ns + "/pods").code() == 403);
        assertThat(Duration.ofNanos(System.nanoTime() - removed)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void noOneGrantsWhatTheyDoNotHold() throws Exception {
        String ns = api.newNamespace();
        Path bob = api.user("bob", "bob");
        // bob may manage roles and bindings in ns (the admin role), but holds no secrets rights cluster-wide
        api.client.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata().withName("bob-admin").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "admin")
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName("bob").endSubject().build()).create();
        await().atMost(Duration.ofSeconds(2)).until(() -> api.kubectlAs(bob, "get", "roles", "-n", ns).exit() == 0);
        java.nio.file.Path mine = dir.resolve("bob-ok.yaml");
        java.nio.file.Files.writeString(mine, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reads-pods}
                rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
                """);
        assertThat(api.kubectlAs(bob, "create", "-n", ns, "-f", mine.toString()).exit()).isZero();
        java.nio.file.Path escalate = dir.resolve("bob-escalate.yaml");
        java.nio.file.Files.writeString(escalate, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: bob-is-admin}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]
                """);
        ApiServerUnderTest.Result refused = api.kubectlAs(bob, "create", "-f", escalate.toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).contains("forbidden");
    }

    @Test
    void aNodeReadsOnlyWhatItsPodsUseAndEditsOnlyItself() throws Exception {
        String ns = api.newNamespace();
        for (String node : List.of("worker-0", "worker-1")) {
            if (api.client.nodes().withName(node).get() == null) {
                api.client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build()).create();
            }
        }
        for (String s : List.of("mounted", "other")) {
            api.client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName(s).endMetadata()
                    .withStringData(Map.of("k", "v")).build()).create();
        }
        api.client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
        api.client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("uses-secret").endMetadata().withNewSpec()
                .withNodeName("worker-0").addNewContainer().withName("c").withImage("busybox").endContainer()
                .addNewVolume().withName("s").withNewSecret().withSecretName("mounted").endSecret().endVolume().endSpec().build()).create();

        // ClusterPki made worker-0's kubelet certificate: CN=system:node:worker-0, O=system:nodes
        List<String> worker0 = List.of("--cert", dir.resolve("pki/worker-0.pem").toString(), "--key", dir.resolve("pki/worker-0-key.pem").toString());
        await().atMost(Duration.ofSeconds(2)).until(() -> api.curlWith(worker0, "/api/v1/namespaces/" + ns + "/secrets/mounted").code() == 200);
        ApiServerUnderTest.Http other = api.curlWith(worker0, "/api/v1/namespaces/" + ns + "/secrets/other");
        assertThat(other.code()).isEqualTo(403);
        assertThat(other.body()).contains("User \\\"system:node:worker-0\\\" cannot get resource \\\"secrets\\\"");
        assertThat(api.curlWith(worker0, "/api/v1/namespaces/" + ns + "/secrets").code()).isEqualTo(403);
        // a watch of just that secret, as a kubelet keeps its volumes fresh
        assertThat(api.curlWith(worker0, "/api/v1/namespaces/" + ns + "/secrets?fieldSelector=metadata.name%3Dmounted").code()).isEqualTo(200);

        String patch = "{\"metadata\":{\"labels\":{\"touched\":\"yes\"}}}";
        List<String> patchArgs = List.of("-X", "PATCH", "-H", "Content-Type: application/merge-patch+json", "--data", patch);
        List<String> own = new java.util.ArrayList<>(worker0);
        own.addAll(patchArgs);
        assertThat(api.curlWith(own, "/api/v1/nodes/worker-0").code()).isEqualTo(200);
        ApiServerUnderTest.Http foreign = api.curlWith(own, "/api/v1/nodes/worker-1");
        assertThat(foreign.code()).isEqualTo(403);
        assertThat(foreign.body()).contains("node \\\"worker-0\\\" is not allowed to modify node \\\"worker-1\\\"");
        List<String> restricted = new java.util.ArrayList<>(worker0);
        restricted.addAll(List.of("-X", "PATCH", "-H", "Content-Type: application/merge-patch+json", "--data",
                "{\"metadata\":{\"labels\":{\"node-restriction.kubernetes.io/trusted\":\"yes\"}}}"));
        ApiServerUnderTest.Http label = api.curlWith(restricted, "/api/v1/nodes/worker-0");
        assertThat(label.code()).isEqualTo(403);
        assertThat(label.body()).contains("is not allowed to modify labels: node-restriction.kubernetes.io/trusted");
    }

    @Test
    void theHardWaysApiServerToKubeletRoleAppliesUnchanged() throws Exception {
        Path fixture = BuiltinKindsIT.FIXTURES.resolve("hard-way/kube-apiserver-to-kubelet.yaml");
        ApiServerUnderTest.Result applied = api.kubectl("apply", "-f", fixture.toString());
        assertThat(applied.exit()).as(applied.out()).isZero();
        assertThat(applied.out()).contains("clusterrole.rbac.authorization.k8s.io/system:kube-apiserver-to-kubelet")
                .contains("clusterrolebinding.rbac.authorization.k8s.io/system:kube-apiserver");
        // the API server's own certificate user (CN=kubernetes) may now reach the kubelets' API
        // (kubectl warns first that nodes are not namespaced; the answer is the last line)
        assertThat(api.kubectl("auth", "can-i", "get", "nodes", "--subresource=proxy", "--as=kubernetes").out().trim()).endsWith("\nyes");
        assertThat(api.kubectl("auth", "can-i", "delete", "pods", "--as=kubernetes").out().trim()).isEqualTo("no");
    }

    /** What each component's certificate user needs, under the bootstrap policy (kubectl auth can-i --as). */
    @Test
    void theComponentsMayDoTheirJobs() throws Exception {
        String[][] checks = {
                {"system:kube-controller-manager", "", "get", "leases.coordination.k8s.io/kube-controller-manager", "kube-system"},
                {"system:kube-controller-manager", "", "update", "leases.coordination.k8s.io/kube-controller-manager", "kube-system"},
                {"system:kube-controller-manager", "", "create", "leases.coordination.k8s.io", "kube-system"},
                {"system:kube-controller-manager", "--subresource=token", "create", "serviceaccounts", "kube-system"},
                {"system:kube-controller-manager", "", "watch", "pods", "default"},
                {"system:kube-scheduler", "--subresource=binding", "create", "pods", "default"},
                {"system:kube-scheduler", "", "update", "leases.coordination.k8s.io/kube-scheduler", "kube-system"},
                {"system:kube-proxy", "", "watch", "endpointslices.discovery.k8s.io", "default"},
                {"system:serviceaccount:kube-system:replicaset-controller", "", "create", "pods", "default"},
                {"system:serviceaccount:kube-system:namespace-controller", "", "deletecollection", "configmaps", "default"},
        };
        for (String[] c : checks) {
            List<String> args = new java.util.ArrayList<>(List.of("auth", "can-i", c[2], c[3], "-n", c[4], "--as=" + c[0]));
            if (!c[1].isEmpty()) {
                args.add(c[1]);
            }
            ApiServerUnderTest.Result r = api.kubectl(args.toArray(String[]::new));
            assertThat(r.out().trim()).as(String.join(" ", c)).isEqualTo("yes");
        }
        assertThat(api.kubectl("auth", "can-i", "update", "leases.coordination.k8s.io/other", "-n", "kube-system",
                "--as=system:kube-controller-manager").out().trim()).isEqualTo("no");
    }

    @Test
    void kubectlAuthShowsWhoYouAreAndWhatYouMayDo() throws Exception {
        Path carol = api.user("carol", "carol", "developers");
        ApiServerUnderTest.Result whoami = api.kubectlAs(carol, "auth", "whoami");
        assertThat(whoami.out()).containsPattern("Username\\s+carol").containsPattern("Groups\\s+\\[developers system:authenticated\\]");

        ApiServerUnderTest.Result plain = api.kubectlAs(carol, "auth", "can-i", "--list");
        assertThat(plain.exit()).as(plain.out()).isZero();
        assertThat(plain.out()).containsPattern("selfsubjectreviews.authentication.k8s.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]")
                .containsPattern("selfsubjectaccessreviews.authorization.k8s.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]")
                .containsPattern("selfsubjectrulesreviews.authorization.k8s.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]")
                .containsPattern("\\[/api/\\*\\]\\s+\\[\\]\\s+\\[get\\]")
                .containsPattern("\\[/healthz\\]\\s+\\[\\]\\s+\\[get\\]")
                .doesNotContain("*.*");
        ApiServerUnderTest.Result admin = api.kubectl("auth", "can-i", "--list");
        assertThat(admin.out()).containsPattern("\\*\\.\\*\\s+\\[\\]\\s+\\[\\]\\s+\\[\\*\\]").containsPattern("\\[\\*\\]\\s+\\[\\]\\s+\\[\\*\\]");

        // impersonation needs the impersonate verb: carol has none, the admin has all
        assertThat(api.kubectlAs(carol, "get", "pods", "--as=alice").out()).contains("cannot impersonate resource \"users\"");
        ApiServerUnderTest.Result asDave = api.kubectl("get", "pods", "-n", "default", "--as=dave", "--as-group=testers");
        assertThat(asDave.out()).contains("User \"dave\" cannot list resource \"pods\"");
        assertThat(api.kubectl("auth", "whoami", "--as=dave", "--as-group=testers").out()).contains("dave").contains("testers");
    }
}
