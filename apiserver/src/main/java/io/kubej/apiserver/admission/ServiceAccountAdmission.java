package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The ServiceAccount admission plugin (upstream {@code plugin/pkg/admission/serviceaccount}):
 * every pod runs as a service account, {@code default} unless it names one, which must exist;
 * it gets the account's image pull secrets if it has none; and, unless the pod or the account
 * turns {@code automountServiceAccountToken} off, a projected volume
 * {@code kube-api-access-<5 chars>} with a bound token (refreshed by the kubelet), the
 * cluster's CA ({@code kube-root-ca.crt}) and the namespace, mounted in every container at
 * {@code /var/run/secrets/kubernetes.io/serviceaccount}. That is how a pod's client finds and
 * trusts the API server. Mirror pods of static pods are left alone.
 */
public final class ServiceAccountAdmission implements AdmissionPlugin {
    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String VOLUME_PREFIX = "kube-api-access-";
    /** Upstream's: an hour and seven seconds, so the kubelet's refresh can be told apart from a user's request. */
    static final long TOKEN_EXPIRATION_SECONDS = 3607;
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BiFunction<String, String, Optional<ObjectNode>> serviceAccounts;

    /** @param serviceAccounts reads a service account by namespace and name */
    public ServiceAccountAdmission(BiFunction<String, String, Optional<ObjectNode>> serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }

    @Override
    public void admit(Attributes a) {
        if (!a.creates("", "pods")) {
            return;
        }
        ObjectNode pod = a.object();
        if (pod.path("metadata").path("annotations").has(NodeRestriction.MIRROR_ANNOTATION)) {
            return;
        }
        ObjectNode spec = Json.obj(pod, "spec");
        String name = spec.path("serviceAccountName").asText("");
        if (name.isEmpty()) {
            name = "default";
            spec.put("serviceAccountName", name);
        }
        String account = name;
        ObjectNode sa = serviceAccounts.apply(a.namespace(), name).orElseThrow(() -> StatusError.forbiddenOn("", "pods", a.name(),
                "error looking up service account " + a.namespace() + "/" + account + ": serviceaccount \"" + account + "\" not found"));
        if (!spec.has("imagePullSecrets") && sa.path("imagePullSecrets").size() > 0) {
            spec.set("imagePullSecrets", sa.get("imagePullSecrets").deepCopy());
        }
        if (automount(spec, sa)) {
            mountToken(spec);
        }
    }

    private static boolean automount(ObjectNode spec, ObjectNode sa) {
        JsonNode podSays = spec.path("automountServiceAccountToken");
        if (podSays.isBoolean()) {
            return podSays.asBoolean();
        }
        JsonNode saSays = sa.path("automountServiceAccountToken");
        return !saSays.isBoolean() || saSays.asBoolean();
    }

    private static void mountToken(ObjectNode spec) {
        String volume = existingTokenVolume(spec);
        if (volume == null) {
            volume = VOLUME_PREFIX + randomSuffix();
            spec.withArray("volumes").add(projectedVolume(volume));
        }
        for (String list : new String[] {"initContainers", "containers"}) {
            for (JsonNode c : spec.path(list)) {
                ArrayNode mounts = ((ObjectNode) c).withArray("volumeMounts");
                boolean mounted = false;
                for (JsonNode m : mounts) {
                    mounted |= m.path("mountPath").asText().equals(MOUNT_PATH);
                }
                if (!mounted) {
                    mounts.addObject().put("name", volume).put("readOnly", true).put("mountPath", MOUNT_PATH);
                }
            }
        }
    }

    private static String existingTokenVolume(ObjectNode spec) {
        for (JsonNode v : spec.path("volumes")) {
            if (v.path("name").asText().startsWith(VOLUME_PREFIX)) {
                return v.path("name").asText();
            }
        }
        return null;
    }

    static ObjectNode projectedVolume(String name) {
        ObjectNode v = Json.object().put("name", name);
        ObjectNode projected = v.putObject("projected").put("defaultMode", 420);
        ArrayNode sources = projected.putArray("sources");
        sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", TOKEN_EXPIRATION_SECONDS).put("path", "token");
        ObjectNode ca = sources.addObject().putObject("configMap").put("name", "kube-root-ca.crt");
        ca.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
        ObjectNode downward = sources.addObject().putObject("downwardAPI");
        downward.putArray("items").addObject().put("path", "namespace")
                .putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
        return v;
    }

    private static String randomSuffix() {
        StringBuilder b = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            b.append(ALPHANUMS.charAt(RANDOM.nextInt(ALPHANUMS.length())));
        }
        return b.toString();
    }
}
