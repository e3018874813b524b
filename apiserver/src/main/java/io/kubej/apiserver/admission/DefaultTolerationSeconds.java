package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.Json;

/**
 * The DefaultTolerationSeconds admission plugin (upstream
 * {@code plugin/pkg/admission/defaulttolerationseconds}): a new pod tolerates a
 * {@code not-ready} or {@code unreachable} node for five minutes before it is evicted, unless
 * it says otherwise, so a short node outage does not move every pod at once.
 */
public final class DefaultTolerationSeconds implements AdmissionPlugin {
    static final long SECONDS = 300;

    @Override
    public void admit(Attributes a) {
        if (!a.creates("", "pods")) {
            return;
        }
        ObjectNode spec = Json.obj(a.object(), "spec");
        for (String taint : new String[] {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
            if (!tolerates(spec.path("tolerations"), taint)) {
                ArrayNode tolerations = spec.withArray("tolerations");
                tolerations.addObject().put("key", taint).put("operator", "Exists").put("effect", "NoExecute")
                        .put("tolerationSeconds", SECONDS);
            }
        }
    }

    /** Whether a toleration already covers this NoExecute taint (by key, or every key with Exists). */
    private static boolean tolerates(JsonNode tolerations, String key) {
        for (JsonNode t : tolerations) {
            boolean keyMatches = t.path("key").asText("").equals(key)
                    || t.path("key").asText("").isEmpty() && t.path("operator").asText("").equals("Exists");
            String effect = t.path("effect").asText("");
            if (keyMatches && (effect.isEmpty() || effect.equals("NoExecute"))) {
                return true;
            }
        }
        return false;
    }
}
