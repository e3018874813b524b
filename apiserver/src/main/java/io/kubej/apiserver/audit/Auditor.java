package io.kubej.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.endpoints.request.ApiRequest;
import io.kubej.apiserver.endpoints.request.RequestInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;

/**
 * Auditing (upstream {@code endpoints/filters/audit.go}): for each request the policy's level
 * decides what its events carry, and each stage (RequestReceived, ResponseStarted for watches,
 * ResponseComplete) writes one audit.k8s.io/v1 Event unless the policy omits that stage.
 * Metadata: who, what, where, when and the answer's code; Request adds the request's body,
 * RequestResponse the answer's. Secrets and tokens are never logged above Metadata, whatever
 * the policy says, so their data never reaches the log.
 */
public final class Auditor implements AutoCloseable {
    /** Whose bodies stay out of the log: they carry secret data or tokens. */
    private static final Set<String> METADATA_ONLY = Set.of("secrets", "tokenreviews", "tokenrequests");

    private final AuditPolicy policy;
    private final AuditLog log;

    public Auditor(AuditPolicy policy, AuditLog log) {
        this.policy = policy;
        this.log = log;
    }

    /** An auditor that records nothing (no {@code --audit-policy-file}, as upstream). */
    public static Auditor off() {
        return new Auditor(null, null);
    }

    /** The events of one request, from the point its user is known. */
    public Recorder begin(ApiRequest req, RequestInfo info, UserInfo authenticated, UserInfo effective) {
        if (policy == null || authenticated == null) {
            return Recorder.NOTHING;
        }
        AuditPolicy.Decision d = policy.decide(effective, info);
        if (d.level() == AuditPolicy.Level.None) {
            return Recorder.NOTHING;
        }
        AuditPolicy.Level level = d.level();
        boolean sensitive = info.resourceRequest() && (METADATA_ONLY.contains(info.resource())
                || info.resource().equals("serviceaccounts") && info.subresource().equals("token"));
        if (sensitive && level.compareTo(AuditPolicy.Level.Metadata) > 0) {
            level = AuditPolicy.Level.Metadata;
        }
        return new Recorder(this, req, info, authenticated, effective, level, d.omitStages());
    }

    void write(ObjectNode event) {
        log.write(Json.bytes(event));
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }

    /** One request's audit events. */
    public static class Recorder {
        public static final Recorder NOTHING = new Recorder(null, null, null, null, null, null, Set.of());

        private final Auditor auditor;
        private final ObjectNode base;
        private final AuditPolicy.Level level;
        private final Set<String> omit;
        private final byte[] requestBody;

        Recorder(Auditor auditor, ApiRequest req, RequestInfo info, UserInfo user, UserInfo effective, AuditPolicy.Level level,
                 Set<String> omit) {
            this.auditor = auditor;
            this.level = level;
            this.omit = omit;
            this.requestBody = req == null ? null : req.body();
            this.base = auditor == null ? null : skeleton(req, info, user, effective, level);
            if (auditor != null) {
                emit("RequestReceived", null, null);
            }
        }

        private static ObjectNode skeleton(ApiRequest req, RequestInfo info, UserInfo user, UserInfo effective, AuditPolicy.Level level) {
            ObjectNode e = Json.object();
            e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", level.name())
                    .put("auditID", UUID.randomUUID().toString());
            String query = req.query().isEmpty() ? "" : "?" + String.join("&", req.query().entrySet().stream()
                    .flatMap(q -> q.getValue().stream().map(v -> q.getKey() + "=" + v)).toList());
            e.put("requestURI", req.path() + query).put("verb", info.verb());
            e.set("user", user.toJson());
            if (!effective.name().equals(user.name())) {
                e.set("impersonatedUser", effective.toJson());
            }
            String forwarded = req.header("x-forwarded-for");
            var ips = e.putArray("sourceIPs"); // as upstream: X-Forwarded-For's, then the connection's
            if (!forwarded.isEmpty()) {
                for (String ip : forwarded.split(",")) {
                    ips.add(ip.trim());
                }
            }
            if (!req.remoteAddress().isEmpty()) {
                ips.add(req.remoteAddress());
            }
            if (!req.header("user-agent").isEmpty()) {
                e.put("userAgent", req.header("user-agent"));
            }
            if (info.resourceRequest()) {
                ObjectNode ref = e.putObject("objectRef");
                ref.put("resource", info.resource());
                if (!info.namespace().isEmpty()) {
                    ref.put("namespace", info.namespace());
                }
                if (!info.name().isEmpty()) {
                    ref.put("name", info.name());
                }
                ref.put("apiGroup", info.group()).put("apiVersion", info.version());
                if (!info.subresource().isEmpty()) {
                    ref.put("subresource", info.subresource());
                }
            }
            e.put("requestReceivedTimestamp", now());
            return e;
        }

        private static String now() {
            return Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
        }

        /** A watch's stream began (upstream's ResponseStarted stage). */
        public void started(int code) {
            if (auditor != null) {
                emit("ResponseStarted", code, null);
            }
        }

        /** The answer was sent: its code and, for RequestResponse, its body. */
        public void completed(int code, byte[] responseBody) {
            if (auditor != null) {
                emit("ResponseComplete", code, responseBody);
            }
        }

        private void emit(String stage, Integer code, byte[] responseBody) {
            if (omit.contains(stage)) {
                return;
            }
            ObjectNode e = base.deepCopy();
            e.put("stage", stage).put("stageTimestamp", now());
            if (code != null) {
                ObjectNode status = e.putObject("responseStatus");
                status.putObject("metadata");
                status.put("code", code);
            }
            if (level.compareTo(AuditPolicy.Level.Request) >= 0 && requestBody != null && requestBody.length > 0) {
                json(requestBody).ifPresent(o -> e.set("requestObject", o));
            }
            if (level == AuditPolicy.Level.RequestResponse && responseBody != null && responseBody.length > 0) {
                json(responseBody).ifPresent(o -> e.set("responseObject", o));
            }
            auditor.write(e);
        }

        private static java.util.Optional<com.fasterxml.jackson.databind.JsonNode> json(byte[] body) {
            try {
                return java.util.Optional.of(Json.MAPPER.readTree(body));
            } catch (java.io.IOException e) {
                return java.util.Optional.empty(); // protobuf or text: upstream logs only what it can decode
            }
        }
    }
}
