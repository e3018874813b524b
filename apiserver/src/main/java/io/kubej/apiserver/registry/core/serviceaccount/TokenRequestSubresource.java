package io.kubej.apiserver.registry.core.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Subresource;
import io.kubej.apiserver.registry.generic.Store;
import io.kubej.apiserver.serviceaccount.Claims;
import io.kubej.apiserver.serviceaccount.ObjectLookup;
import io.kubej.apiserver.serviceaccount.TokenGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code serviceaccounts/{name}/token} (authentication.k8s.io/v1 TokenRequest, upstream
 * {@code pkg/registry/core/serviceaccount/storage/token.go}): issues a token for the service
 * account, optionally bound to a Pod, Secret or Node of its namespace so that it stops working
 * when that object is deleted. This is how {@code kubectl create token} and the kubelet's
 * projected token volumes get their tokens; nothing is stored.
 */
public final class TokenRequestSubresource implements Subresource {
    /** Upstream's floor for {@code spec.expirationSeconds}: ten minutes. */
    static final long MIN_EXPIRATION_SECONDS = 600;
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    private static final Map<String, String> BINDABLE = Map.of("Pod", "pods", "Secret", "secrets", "Node", "nodes");

    private final TokenGenerator generator;
    private final List<String> apiAudiences;
    private final ObjectLookup objects;
    private final Clock clock;

    /** @param generator null when the API server has no {@code --service-account-signing-key-file}: requests then fail clearly */
    public TokenRequestSubresource(TokenGenerator generator, List<String> apiAudiences, ObjectLookup objects, Clock clock) {
        this.generator = generator;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.objects = objects;
        this.clock = clock;
    }

    /** The subresource of an API server that cannot sign tokens. */
    public static TokenRequestSubresource unconfigured() {
        return new TokenRequestSubresource(null, List.of(), (r, ns, n) -> java.util.Optional.empty(), Clock.systemUTC());
    }

    @Override
    public String name() {
        return "token";
    }

    @Override
    public String kind() {
        return "TokenRequest";
    }

    @Override
    public String groupVersion() {
        return "authentication.k8s.io/v1";
    }

    @Override
    public List<String> verbs() {
        return List.of("create");
    }

    /** TokenRequest in protobuf (upstream authentication/v1 generated.proto), as {@code kubectl create token} sends it. */
    private static final ProtoMessage PROTO = ProtoMessage.of().objectMeta().message(2, "spec", ProtoMessage.of()
            .strings(1, "audiences").int64(4, "expirationSeconds").keepZero()
            .message(3, "boundObjectRef", ProtoMessage.of().string(1, "kind").string(2, "apiVersion").string(3, "name").string(4, "uid")));

    @Override
    public Resource.ProtobufDecoder protobuf() {
        return PROTO.decoder();
    }

    @Override
    public Created create(Store serviceAccounts, String namespace, String name, ObjectNode request, boolean dryRun) {
        if (generator == null) {
            throw StatusError.internal("this API server cannot issue service-account tokens: start it with --service-account-signing-key-file and --service-account-issuer");
        }
        ObjectNode sa = serviceAccounts.get(namespace, name); // 404 for a missing account, as upstream
        ObjectNode spec = Json.obj(request, "spec");
        List<String> audiences = audiences(spec);
        long seconds = expirationSeconds(spec);
        Claims.Ref pod = null;
        Claims.Ref secret = null;
        Claims.Ref node = null;
        JsonNode ref = spec.path("boundObjectRef");
        if (!ref.isMissingNode() && !ref.isNull()) {
            ObjectNode bound = boundObject(ref, namespace, name);
            Claims.Ref boundRef = new Claims.Ref(bound.path("metadata").path("name").asText(), bound.path("metadata").path("uid").asText());
            switch (ref.path("kind").asText()) {
                case "Pod" -> {
                    pod = boundRef;
                    node = nodeOf(bound);
                }
                case "Secret" -> secret = boundRef;
                default -> node = boundRef;
            }
            ((ObjectNode) ref).put("uid", boundRef.uid());
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plusSeconds(seconds);
        Claims claims = new Claims(namespace, new Claims.Ref(name, sa.path("metadata").path("uid").asText()), pod, secret, node);
        String token = generator.generate(claims, audiences, now, expires);
        return new Created(201, answer(request, namespace, name, now, token, expires));
    }

    private List<String> audiences(ObjectNode spec) {
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        if (audiences.isEmpty()) {
            audiences.addAll(apiAudiences);
            var list = spec.putArray("audiences");
            apiAudiences.forEach(list::add);
        }
        return audiences;
    }

    private static long expirationSeconds(ObjectNode spec) {
        long seconds = spec.path("expirationSeconds").asLong(DEFAULT_EXPIRATION_SECONDS);
        if (seconds < MIN_EXPIRATION_SECONDS) {
            throw StatusError.invalid("authentication.k8s.io", "TokenRequest", "", List.of(new StatusError.Cause("FieldValueInvalid",
                    "spec.expirationSeconds", "may not specify a duration less than 10 minutes")));
        }
        if (seconds > (1L << 32)) {
            throw StatusError.invalid("authentication.k8s.io", "TokenRequest", "", List.of(new StatusError.Cause("FieldValueInvalid",
                    "spec.expirationSeconds", "may not specify a duration larger than 2^32 seconds")));
        }
        spec.put("expirationSeconds", seconds);
        return seconds;
    }

    /** The object the token is to be bound to; it must exist, match the uid asked for, and (a pod) run as this account. */
    private ObjectNode boundObject(JsonNode ref, String namespace, String serviceAccount) {
        String kind = ref.path("kind").asText();
        String resource = BINDABLE.get(kind);
        if (resource == null) {
            throw StatusError.badRequest("cannot bind token for object of type " + kind);
        }
        String name = ref.path("name").asText("");
        ObjectNode bound = objects.find(resource, kind.equals("Node") ? null : namespace, name)
                .orElseThrow(() -> StatusError.notFound("", resource, name));
        String uid = bound.path("metadata").path("uid").asText();
        String wanted = ref.path("uid").asText("");
        if (!wanted.isEmpty() && !wanted.equals(uid)) {
            throw StatusError.conflict("", "serviceaccounts", serviceAccount, "the UID in the bound object reference (" + wanted + ") does not match the UID in record ("
                    + uid + "). The object might have been deleted and then recreated");
        }
        if (kind.equals("Pod")) {
            String runsAs = bound.path("spec").path("serviceAccountName").asText("default");
            if (!runsAs.equals(serviceAccount)) {
                throw StatusError.badRequest("cannot bind token to a pod running as a different service account (" + runsAs + ")");
            }
        }
        return bound;
    }

    /** A pod's token also names the node the pod runs on, as upstream does since 1.30. */
    private Claims.Ref nodeOf(ObjectNode pod) {
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            return null;
        }
        return objects.uidOf("nodes", null, nodeName).map(uid -> new Claims.Ref(nodeName, uid)).orElse(null);
    }

    private static ObjectNode answer(ObjectNode request, String namespace, String name, Instant now, String token, Instant expires) {
        ObjectNode out = Json.object();
        out.put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
        Json.obj(out, "metadata").put("name", name).put("namespace", namespace).put("creationTimestamp", now.toString());
        out.set("spec", request.path("spec").deepCopy());
        Json.obj(out, "status").put("token", token).put("expirationTimestamp", expires.toString());
        return out;
    }
}
