package io.kubej.apiserver.registry.certificates;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests (upstream {@code pkg/registry/certificates}):
 * a request for a certificate from a signer. {@code kubectl certificate approve} writes the
 * Approved condition through {@code /approval}; the signer fills {@code status.certificate}
 * through {@code /status} (kube-controller-manager's csrsigning controller). The spec never changes.
 */
public final class CertificatesResources {
    private CertificatesResources() {
    }

    /**
     * What kubectl's typed client sends for {@code kubectl certificate approve|deny} (upstream
     * certificates/v1 generated.proto): the whole object, whose status carries the new condition.
     */
    static final ProtoMessage PROTO = ProtoMessage.of().objectMeta()
            .message(2, "spec", ProtoMessage.of().bytes(1, "request").string(7, "signerName").int32(8, "expirationSeconds").keepZero()
                    .strings(5, "usages").string(2, "username").string(3, "uid").strings(4, "groups"))
            .message(3, "status", ProtoMessage.of()
                    .messages(1, "conditions", ProtoMessage.of().string(1, "type").string(6, "status").string(2, "reason")
                            .string(3, "message").time(4, "lastUpdateTime").time(5, "lastTransitionTime"))
                    .bytes(2, "certificate"));

    public static List<Resource> resources() {
        return List.of(Resource.builder("certificates.k8s.io", "v1", "CertificateSigningRequest").clusterScoped().shortNames("csr")
                .model(CertificateSigningRequest.class).protobuf(PROTO.decoder())
                .strategy(SimpleStrategy.builder()
                        .validate(c -> Validation.requireField(c, "spec.request"))
                        .validate(c -> Validation.requireField(c, "spec.signerName"))
                        .immutable("spec")
                        .requester(CertificatesResources::recordRequester)
                        .build())
                .table(TableConvertor.of(List.of(Column.name("Name of the request"), Column.of("Age", "string", "Time since creation"),
                        Column.of("SignerName", "string", "Who should sign"), Column.of("Requestor", "string", "Who asked"),
                        Column.of("RequestedDuration", "string", "How long the certificate should last"),
                        Column.of("Condition", "string", "Approved, Denied, Failed, Issued or Pending")),
                        (c, now) -> List.of(TableConvertor.name(c), TableConvertor.age(c, now), c.path("spec").path("signerName").asText(),
                                c.path("spec").path("username").asText(""),
                                c.path("spec").has("expirationSeconds") ? TableConvertor.humanDuration(
                                        java.time.Duration.ofSeconds(c.path("spec").path("expirationSeconds").asLong())) : "<none>",
                                condition(c.path("status")))))
                .subresource(StatusSubresource.INSTANCE)
                .subresource(StatusSubresource.named("approval"))
                .build());
    }

    /**
     * Upstream's CSR PrepareForCreate: whoever the request body names, {@code spec.username},
     * {@code uid}, {@code groups} and {@code extra} are the authenticated requester's, which is
     * what approvers (csrapproving's SubjectAccessReviews) and signers trust.
     */
    static void recordRequester(com.fasterxml.jackson.databind.node.ObjectNode csr, io.kubej.apiserver.authentication.UserInfo user) {
        var spec = io.kubej.apiserver.api.Json.obj(csr, "spec");
        spec.remove(List.of("username", "uid", "groups", "extra"));
        var who = user.toJson();
        spec.put("username", who.path("username").asText());
        if (who.has("uid")) {
            spec.set("uid", who.get("uid"));
        }
        spec.set("groups", who.get("groups"));
        if (who.has("extra")) {
            spec.set("extra", who.get("extra"));
        }
    }

    private static String condition(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.path("conditions").forEach(c -> out.add(c.path("type").asText()));
        if (status.has("certificate")) {
            out.add("Issued");
        }
        return out.isEmpty() ? "Pending" : String.join(",", out);
    }
}
