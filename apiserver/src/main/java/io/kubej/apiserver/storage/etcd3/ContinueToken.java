package io.kubej.apiserver.storage.etcd3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.StatusError;
import java.util.Base64;

/**
 * The opaque {@code continue} value of a paged list (upstream {@code storage/continue.go}):
 * base64 of {"v","rv","start"}: the revision every page is read at (so a paged list is one
 * consistent snapshot) and the etcd key the next page starts from. It is decoded only against
 * the prefix of the list it came from, so a token can never read another resource's keys.
 */
record ContinueToken(long revision, String startKey) {
    private static final String VERSION = "meta.k8s.io/v1";

    String encode() {
        ObjectNode token = Json.object();
        token.put("v", VERSION).put("rv", revision).put("start", startKey);
        return Base64.getUrlEncoder().encodeToString(Json.bytes(token));
    }

    static ContinueToken decode(String value, String prefix) {
        ObjectNode token;
        try {
            token = Json.parse(Base64.getUrlDecoder().decode(value));
        } catch (RuntimeException e) {
            throw StatusError.badRequest("invalid continue token: " + e.getMessage());
        }
        if (!token.path("v").asText().equals(VERSION) || !token.path("rv").canConvertToLong() || token.path("rv").asLong() <= 0) {
            throw StatusError.badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        if (!token.path("start").isTextual() || !token.path("start").asText().startsWith(prefix)) {
            throw StatusError.badRequest("invalid continue token: continue key is not valid: the start key is outside the requested list");
        }
        return new ContinueToken(token.path("rv").asLong(), token.path("start").asText());
    }
}
