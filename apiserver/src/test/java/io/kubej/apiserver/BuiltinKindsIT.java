package io.kubej.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kinds beyond the skeleton's (issue #6), each created, printed and refused as upstream
 * does, through the real kubectl against the real etcd. One API server for the class; each
 * test works in its own namespace.
 */
class BuiltinKindsIT {
    static final Path FIXTURES = Path.of("..", "..", "shared", "fixtures");
    static final ObjectMapper JSON = new ObjectMapper();

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

    static ApiServerUnderTest.Result apply(String ns, String yaml) throws Exception {
        return server.apply(ns, yaml);
    }

    static JsonNode getJson(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-o";
        all[args.length + 1] = "json";
        ApiServerUnderTest.Result r = server.kubectl(all);
        assertThat(r.exit()).as(r.out()).isZero();
        return JSON.readTree(r.out());
    }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
            """;

    @Test
    void kubectlApiResourcesListsEveryKindWithItsShortNames() throws Exception {
        ApiServerUnderTest.Result r = server.kubectl("api-resources");
        assertThat(r.exit()).as(r.out()).isZero();
        for (String line : new String[] {
                "deployments +deploy +apps/v1 +true +Deployment", "statefulsets +sts +apps/v1 +true +StatefulSet",
                "daemonsets +ds +apps/v1 +true +DaemonSet", "controllerrevisions +apps/v1 +true +ControllerRevision",
                "jobs +batch/v1 +true +Job", "cronjobs +cj +batch/v1 +true +CronJob",
                "persistentvolumeclaims +pvc +v1 +true +PersistentVolumeClaim", "persistentvolumes +pv +v1 +false +PersistentVolume",
                "replicationcontrollers +rc +v1 +true +ReplicationController", "limitranges +limits +v1 +true +LimitRange",
                "resourcequotas +quota +v1 +true +ResourceQuota", "podtemplates +v1 +true +PodTemplate",
                "roles +rbac.authorization.k8s.io/v1 +true +Role", "clusterrolebindings +rbac.authorization.k8s.io/v1 +false +ClusterRoleBinding",
                "endpointslices +discovery.k8s.io/v1 +true +EndpointSlice", "storageclasses +sc +storage.k8s.io/v1 +false +StorageClass",
                "csidrivers +storage.k8s.io/v1 +false +CSIDriver", "volumeattachments +storage.k8s.io/v1 +false +VolumeAttachment",
                "priorityclasses +pc +scheduling.k8s.io/v1 +false +PriorityClass", "poddisruptionbudgets +pdb +policy/v1 +true +PodDisruptionBudget",
                "ingresses +ing +networking.k8s.io/v1 +true +Ingress", "networkpolicies +netpol +networking.k8s.io/v1 +true +NetworkPolicy",
                "ingressclasses +networking.k8s.io/v1 +false +IngressClass", "runtimeclasses +node.k8s.io/v1 +false +RuntimeClass",
                "certificatesigningrequests +csr +certificates.k8s.io/v1 +false +CertificateSigningRequest",
                "horizontalpodautoscalers +hpa +autoscaling/v2 +true +HorizontalPodAutoscaler"}) {
            assertThat(r.out()).as(line).containsPattern(line);
        }
    }

    @Test
    void kubectlAutoscaleWorksAndBothVersionsSeeOneObject() throws Exception {
        String ns = server.newNamespace();
        // made with fabric8 here; KubectlCreateProtobufIT covers kubectl create deployment (protobuf)
        server.client.apps().deployments().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                    .withNewMetadata().withName("php-apache").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "php")
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "php").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
        ApiServerUnderTest.Result autoscale = server.kubectl("autoscale", "deployment", "php-apache", "--cpu-percent=50", "--min=1",
                "--max=10", "-n", ns);
        assertThat(autoscale.exit()).as(autoscale.out()).isZero();
        var v1 = server.client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(ns).withName("php-apache").get();
        var v2 = server.client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("php-apache").get();
        assertThat(v1.getSpec().getTargetCPUUtilizationPercentage()).isEqualTo(50);
        assertThat(v2.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(50);
        assertThat(v2.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(server.kubectl("get", "hpa.v1.autoscaling", "-n", ns).out()).contains("php-apache");
    }

    @Test
    void theStatefulSetTutorialIsAcceptedUnmodifiedWithUpstreamDefaults() throws Exception {
        String ns = server.newNamespace();
        Path fixture = FIXTURES.resolve("seed-manifests/web-statefulset.yaml");
        ApiServerUnderTest.Result created = server.kubectl("create", "-n", ns, "-f", fixture.toString());
        assertThat(created.exit()).as(created.out()).isZero();
        assertThat(created.out()).contains("statefulset.apps/web created");
        JsonNode sts = getJson("get", "sts", "web", "-n", ns);
        assertThat(sts.at("/spec/podManagementPolicy").asText()).isEqualTo("OrderedReady");
        assertThat(sts.at("/spec/updateStrategy/rollingUpdate/partition").asInt(-1)).isZero();
        assertThat(sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("www");
        assertThat(sts.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Always");
        ApiServerUnderTest.Result table = server.kubectl("get", "sts", "-n", ns);
        assertThat(table.out()).containsPattern("NAME +READY +AGE").containsPattern("web +0/2");
        ApiServerUnderTest.Http scale = server.curl("GET", "/apis/apps/v1/namespaces/" + ns + "/statefulsets/web/scale");
        assertThat(JSON.readTree(scale.body()).at("/status/selector").asText()).isEqualTo("app=nginx");
        // serviceName is fixed once created
        ApiServerUnderTest.Result rename = server.kubectl("patch", "sts", "web", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"serviceName\":\"other\"}}");
        assertThat(rename.exit()).isNotZero();
        assertThat(rename.out()).contains("updates to statefulset spec for fields other than");
    }

    @Test
    void deploymentsGetDefaultsScaleThroughTheSubresourceAndKeepTheirSelector() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result created = apply(ns, DEPLOYMENT);
        assertThat(created.out()).contains("deployment.apps/web created");
        JsonNode d = getJson("get", "deploy", "web", "-n", ns);
        assertThat(d.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(d.at("/spec/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
        assertThat(d.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(d.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(600);
        assertThat(d.at("/metadata/generation").asInt()).isEqualTo(1);
        assertThat(server.kubectl("scale", "deploy", "web", "-n", ns, "--replicas=3").out()).contains("deployment.apps/web scaled")
                .doesNotContain("unknown field"); // the Scale it patches is not a Deployment
        assertThat(getJson("get", "deploy", "web", "-n", ns).at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(server.kubectl("get", "deploy", "-n", ns).out())
                .containsPattern("NAME +READY +UP-TO-DATE +AVAILABLE +AGE").containsPattern("web +0/3 +0 +0");
        assertThat(apply(ns, DEPLOYMENT.replace("replicas: 2", "replicas: 2\n  minReadySeconds: 0")).out()).contains("configured");
        ApiServerUnderTest.Result selector = server.kubectl("patch", "deploy", "web", "-n", ns, "--type=merge",
                "-p", "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"other\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"other\"}}}}}");
        assertThat(selector.exit()).isNotZero();
        assertThat(selector.out()).contains("spec.selector").contains("field is immutable");
        ApiServerUnderTest.Result mismatch = apply(ns, DEPLOYMENT.replace("name: web", "name: broken").replace("labels: {app: web}", "labels: {app: x}"));
        assertThat(mismatch.exit()).isNotZero();
        assertThat(mismatch.out()).contains("`selector` does not match template `labels`");
    }

    @Test
    void jobsGetAGeneratedSelectorAndRefuseRestartAlways() throws Exception {
        String ns = server.newNamespace();
        String job = """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: pi
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: pi
                        image: busybox
                        command: ["sh", "-c", "echo 3.14"]
                """;
        assertThat(apply(ns, job).out()).contains("job.batch/pi created");
        JsonNode j = getJson("get", "job", "pi", "-n", ns);
        String uid = j.at("/metadata/uid").asText();
        assertThat(j.at("/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid").asText()).isEqualTo(uid);
        assertThat(j.at("/spec/template/metadata/labels/job-name").asText()).isEqualTo("pi");
        assertThat(j.at("/spec/backoffLimit").asInt()).isEqualTo(6);
        assertThat(j.at("/spec/completions").asInt()).isEqualTo(1);
        assertThat(server.kubectl("get", "jobs", "-n", ns).out()).containsPattern("NAME +STATUS +COMPLETIONS +DURATION +AGE")
                .containsPattern("pi +Running +0/1");
        ApiServerUnderTest.Result always = apply(ns, job.replace("name: pi\n", "name: forever\n").replace("restartPolicy: Never", "restartPolicy: Always"));
        assertThat(always.exit()).isNotZero();
        assertThat(always.out()).contains("spec.template.spec.restartPolicy").contains("Unsupported value: \"Always\"");
    }

    @Test
    void cronJobSchedulesAreValidated() throws Exception {
        String ns = server.newNamespace();
        String cj = """
                apiVersion: batch/v1
                kind: CronJob
                metadata:
                  name: hello
                spec:
                  schedule: "*/5 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers:
                          - name: hello
                            image: busybox
                """;
        assertThat(apply(ns, cj).out()).contains("cronjob.batch/hello created");
        assertThat(server.kubectl("get", "cj", "-n", ns).out()).containsPattern("NAME +SCHEDULE +TIMEZONE +SUSPEND +ACTIVE +LAST SCHEDULE +AGE")
                .containsPattern("hello +\\*/5 \\* \\* \\* \\* +<none> +False +0 +<none>");
        ApiServerUnderTest.Result bad = apply(ns, cj.replace("name: hello\n", "name: bad\n").replace("*/5 * * * *", "every five minutes"));
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.out()).contains("spec.schedule").contains("unparseable cron expression");
    }

    @Test
    void theHardWayRbacManifestIsAcceptedAndRoleRefIsFixed() throws Exception {
        Path fixture = FIXTURES.resolve("hard-way/kube-apiserver-to-kubelet.yaml");
        ApiServerUnderTest.Result r = server.kubectl("apply", "-f", fixture.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("clusterrole.rbac.authorization.k8s.io/system:kube-apiserver-to-kubelet")
                .contains("clusterrolebinding.rbac.authorization.k8s.io/system:kube-apiserver");
        JsonNode role = getJson("get", "clusterrole", "system:kube-apiserver-to-kubelet");
        assertThat(role.at("/rules/0/resources").toString()).contains("nodes/proxy");
        ApiServerUnderTest.Result change = server.kubectl("patch", "clusterrolebinding", "system:kube-apiserver", "--type=merge",
                "-p", "{\"roleRef\":{\"name\":\"cluster-admin\"}}");
        assertThat(change.exit()).isNotZero();
        assertThat(change.out()).contains("cannot change roleRef");
        String ns = server.newNamespace();
        ApiServerUnderTest.Result noVerbs = apply(ns, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader}
                rules:
                - apiGroups: [""]
                  resources: [pods]
                """);
        assertThat(noVerbs.exit()).isNotZero();
        assertThat(noVerbs.out()).contains("rules[0].verbs: Required value");
    }

    @Test
    void aClaimStartsPendingAndOnlyItsRequestedStorageMayChange() throws Exception {
        String ns = server.newNamespace();
        String pvc = """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                """;
        assertThat(apply(ns, pvc).out()).contains("persistentvolumeclaim/data created");
        assertThat(getJson("get", "pvc", "data", "-n", ns).at("/status/phase").asText()).isEqualTo("Pending");
        assertThat(server.kubectl("get", "pvc", "-n", ns).out())
                .containsPattern("NAME +STATUS +VOLUME +CAPACITY +ACCESS MODES +STORAGECLASS").containsPattern("data +Pending");
        assertThat(apply(ns, pvc.replace("1Gi", "2Gi")).exit()).isZero();
        ApiServerUnderTest.Result modes = apply(ns, pvc.replace("ReadWriteOnce", "ReadWriteMany"));
        assertThat(modes.exit()).isNotZero();
        assertThat(modes.out()).contains("spec is immutable after creation");
        ApiServerUnderTest.Result noSize = apply(ns, pvc.replace("name: data", "name: nosize").replace("resources: {requests: {storage: 1Gi}}", ""));
        assertThat(noSize.out()).contains("spec.resources.requests.storage: Required value");
    }

    @Test
    void bootstrapMakesTheSystemPriorityClassesAndTheKubernetesEndpointSlice() throws Exception {
        assertThat(getJson("get", "pc", "system-node-critical").at("/value").asLong()).isEqualTo(2_000_001_000L);
        assertThat(getJson("get", "pc", "system-cluster-critical").at("/value").asLong()).isEqualTo(2_000_000_000L);
        JsonNode slice = getJson("get", "endpointslice", "kubernetes", "-n", "default");
        assertThat(slice.at("/metadata/labels/kubernetes.io~1service-name").asText()).isEqualTo("kubernetes");
        assertThat(slice.at("/ports/0/port").asInt()).isEqualTo(server.apiserver.port());
        ApiServerUnderTest.Result reserved = apply("default", """
                apiVersion: scheduling.k8s.io/v1
                kind: PriorityClass
                metadata: {name: system-mine}
                value: 10
                """);
        assertThat(reserved.out()).contains("priority class names with 'system-' prefix are reserved");
    }

    @Test
    void daemonSetsAndReplicationControllersValidateTheirSelectors() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Result ds = apply(ns, """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec:
                      containers: [{name: a, image: busybox}]
                """);
        assertThat(ds.out()).contains("daemonset.apps/agent created");
        assertThat(getJson("get", "ds", "agent", "-n", ns).at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(server.kubectl("get", "ds", "-n", ns).out())
                .containsPattern("NAME +DESIRED +CURRENT +READY +UP-TO-DATE +AVAILABLE +NODE SELECTOR +AGE");
        ApiServerUnderTest.Result rc = apply(ns, """
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: legacy}
                spec:
                  replicas: 1
                  template:
                    metadata: {labels: {app: legacy}}
                    spec:
                      containers: [{name: a, image: busybox}]
                """);
        assertThat(rc.out()).contains("replicationcontroller/legacy created");
        // an RC without a selector takes its template's labels, as upstream
        assertThat(getJson("get", "rc", "legacy", "-n", ns).at("/spec/selector/app").asText()).isEqualTo("legacy");
    }

    /** Default validation finds the kind in neither /openapi/v2 nor discovery: kubectl names it as upstream's does. */
    @Test
    void anObjectOfAnUnknownKindIsRefusedNamingTheKind() throws Exception {
        String ns = server.newNamespace();
        Path f = Files.createTempFile(dir, "widget", ".yaml");
        Files.writeString(f, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
        ApiServerUnderTest.Result r = server.kubectl("apply", "-n", ns, "-f", f.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("no matches for kind \"Widget\" in version \"example.com/v1\"");
    }

    @Test
    void kubectlAuthWhoamiAndCanIAreAnsweredByTheReviewKinds() throws Exception {
        ApiServerUnderTest.Result whoami = server.kubectl("auth", "whoami");
        assertThat(whoami.exit()).as(whoami.out()).isZero();
        assertThat(whoami.out()).containsPattern("Username +admin").contains("system:masters");
        assertThat(server.kubectl("auth", "can-i", "create", "deployments", "-n", "default").out().trim()).isEqualTo("yes");
        assertThat(server.kubectl("auth", "can-i", "--list").out()).containsPattern("\\*\\.\\* +\\[\\] +\\[\\] +\\[\\*\\]");
        ApiServerUnderTest.Http token = server.send("POST", "/apis/authentication.k8s.io/v1/tokenreviews", "application/json",
                "{\"spec\":{\"token\":\"abc\"}}".getBytes(), false);
        assertThat(token.code()).isEqualTo(201);
        assertThat(JSON.readTree(token.body()).at("/status/authenticated").asBoolean(true)).isFalse();
        assertThat(server.curl("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").code())
                .as("review kinds are create-only").isEqualTo(405);
    }

    @Test
    void evictionDeletesAPodUnlessItsDisruptionBudgetForbids() throws Exception {
        String ns = server.newNamespace();
        for (String name : new String[] {"free", "guarded"}) {
            server.client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName(name)
                    .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName("c").withImage("busybox")
                    .endContainer().endSpec().build()).create();
            // what a kubelet reports: the pod runs (pending pods may always be evicted)
            server.client.pods().inNamespace(ns).withName(name).editStatus(p -> {
                p.getStatus().setPhase("Running");
                return p;
            });
        }
        apply(ns, """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: keep-one}
                spec:
                  minAvailable: 1
                  selector: {matchLabels: {app: guarded}}
                """);
        String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"%s\"}}";
        ApiServerUnderTest.Http free = server.send("POST", "/api/v1/namespaces/" + ns + "/pods/free/eviction", "application/json",
                eviction.formatted("free").getBytes(), false);
        assertThat(free.code()).as(free.body()).isEqualTo(201);
        assertThat(server.client.pods().inNamespace(ns).withName("free").get()).isNull();
        ApiServerUnderTest.Http guarded = server.send("POST", "/api/v1/namespaces/" + ns + "/pods/guarded/eviction", "application/json",
                eviction.formatted("guarded").getBytes(), false);
        assertThat(guarded.code()).isEqualTo(429);
        assertThat(guarded.body()).contains("Cannot evict pod as it would violate the pod's disruption budget.");
        assertThat(server.client.pods().inNamespace(ns).withName("guarded").get()).isNotNull();
        JsonNode discovery = JSON.readTree(server.curl("GET", "/api/v1").body());
        boolean listed = false;
        for (JsonNode r : discovery.path("resources")) {
            listed |= r.path("name").asText().equals("pods/eviction") && r.path("group").asText().equals("policy")
                    && r.path("kind").asText().equals("Eviction");
        }
        assertThat(listed).as("discovery lists pods/eviction as policy/v1 Eviction").isTrue();
    }

    @Test
    void kubectlDebugAddsAnEphemeralContainerAndAPodsSpecIsOtherwiseFixed() throws Exception {
        String ns = server.newNamespace();
        server.client.pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("nginx:1.25")
                .endContainer().endSpec().build()).create();

        // kubectl debug patches pods/web/ephemeralcontainers (strategic merge) and returns without -it
        ApiServerUnderTest.Result debug = server.kubectl("-n", ns, "debug", "web", "--image=busybox:1.36", "--target=c",
                "--container=debugger");
        assertThat(debug.exit()).as(debug.out()).isZero();
        JsonNode pod = getJson("-n", ns, "get", "pod", "web");
        assertThat(pod.at("/spec/ephemeralContainers/0/name").asText()).isEqualTo("debugger");
        assertThat(pod.at("/spec/ephemeralContainers/0/targetContainerName").asText()).isEqualTo("c");
        assertThat(pod.at("/spec/ephemeralContainers/0/terminationMessagePolicy").asText()).isEqualTo("File");

        // an ephemeral container is a debugging aid: no ports, and it cannot be taken back
        String withPorts = "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"debugger\",\"image\":\"busybox:1.36\"},"
                + "{\"name\":\"two\",\"image\":\"busybox:1.36\",\"ports\":[{\"containerPort\":80}]}]}}";
        ApiServerUnderTest.Result ports = server.kubectl("-n", ns, "patch", "pod", "web", "--subresource=ephemeralcontainers",
                "--type=strategic", "-p", withPorts);
        assertThat(ports.exit()).isNotZero();
        assertThat(ports.out()).contains("spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container");

        // the main resource may change an image, nothing else of the spec
        ApiServerUnderTest.Result image = server.kubectl("-n", ns, "set", "image", "pod/web", "c=nginx:1.26");
        assertThat(image.exit()).as(image.out()).isZero();
        ApiServerUnderTest.Result env = server.kubectl("-n", ns, "set", "env", "pod/web", "A=1");
        assertThat(env.exit()).isNotZero();
        assertThat(env.out()).contains("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`");
    }

    @Test
    void bothEventApisSeeTheSameEventsEachInItsOwnShape() throws Exception {
        String ns = server.newNamespace();
        ApiServerUnderTest.Http core = server.send("POST", "/api/v1/namespaces/" + ns + "/events", "application/json", """
                {"metadata":{"name":"old-style"},"involvedObject":{"kind":"Pod","name":"web-0","namespace":"%s"},
                 "reason":"Pulled","message":"image pulled","type":"Normal","count":3,"source":{"component":"kubelet"}}"""
                .formatted(ns).getBytes(), false);
        assertThat(core.code()).as(core.body()).isEqualTo(201);
        JsonNode asNew = JSON.readTree(server.curl("GET", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/old-style").body());
        assertThat(asNew.path("apiVersion").asText()).isEqualTo("events.k8s.io/v1");
        assertThat(asNew.at("/regarding/name").asText()).isEqualTo("web-0");
        assertThat(asNew.path("note").asText()).isEqualTo("image pulled");
        assertThat(asNew.path("deprecatedCount").asInt()).isEqualTo(3);
        assertThat(asNew.has("involvedObject")).isFalse();

        ApiServerUnderTest.Http created = server.send("POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events", "application/json", """
                {"metadata":{"name":"new-style"},"regarding":{"kind":"Pod","name":"web-1","namespace":"%s"},"note":"scheduled",
                 "reason":"Scheduled","type":"Normal","action":"Binding","eventTime":"2026-12-01T00:00:00.000000Z",
                 "reportingController":"default-scheduler","reportingInstance":"default-scheduler-1"}""".formatted(ns).getBytes(), false);
        assertThat(created.code()).as(created.body()).isEqualTo(201);
        var asCore = server.client.v1().events().inNamespace(ns).withName("new-style").get();
        assertThat(asCore.getInvolvedObject().getName()).isEqualTo("web-1");
        assertThat(asCore.getMessage()).isEqualTo("scheduled");
        assertThat(asCore.getReportingComponent()).isEqualTo("default-scheduler");
        assertThat(server.kubectl("get", "events", "-n", ns).out()).contains("scheduled").contains("image pulled");

        ApiServerUnderTest.Http incomplete = server.send("POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events", "application/json",
                "{\"metadata\":{\"name\":\"bare\"},\"note\":\"x\"}".getBytes(), false);
        assertThat(incomplete.code()).isEqualTo(422);
        assertThat(incomplete.body()).contains("eventTime: Required value").contains("reportingController: Required value");
        // an event made through the old API can still be updated through the new one
        ApiServerUnderTest.Http patched = server.send("PATCH", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/old-style",
                "application/merge-patch+json", "{\"note\":\"image pulled again\"}".getBytes(), false);
        assertThat(patched.code()).as(patched.body()).isEqualTo(200);
        assertThat(server.client.v1().events().inNamespace(ns).withName("old-style").get().getMessage()).isEqualTo("image pulled again");
    }
}
