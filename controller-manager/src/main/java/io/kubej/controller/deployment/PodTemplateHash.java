package io.kubej.controller.deployment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pod-template-hash} label: names a Deployment's ReplicaSet for one pod template
 * ({@code <deployment>-<hash>}) and keeps the pods of different templates apart (upstream:
 * {@code controller.ComputeHash}).
 *
 * <p>kubej's hash: 32-bit FNV-1a over the template as canonical JSON (object keys sorted), then,
 * when the Deployment has had name collisions, over {@code status.collisionCount} in decimal.
 * Like upstream, the unsigned decimal number is then rendered with a 27-letter alphabet without
 * vowels (so it never spells words) and without look-alike characters: {@code 7d4b9c8f5}.
 * Upstream hashes a Go-specific dump of the struct, so the values differ from a real cluster's;
 * all that matters is that the same template always gives the same label.
 */
public final class PodTemplateHash {
    /** The label key, on the ReplicaSet, its selector, its template and so its pods. */
    public static final String LABEL = "pod-template-hash";
    /** The alphabet of upstream's rand.SafeEncodeString: no vowels, no 0/1/3 (o, l, e look-alikes). */
    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private PodTemplateHash() {
    }

    public static String of(PodTemplateSpec template, Integer collisionCount) {
        int hash = FNV_OFFSET;
        hash = fnv(hash, canonicalJson(template));
        if (collisionCount != null) {
            hash = fnv(hash, Integer.toString(collisionCount).getBytes(StandardCharsets.US_ASCII));
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** Each character of the decimal number mapped into the safe alphabet. */
    static String safeEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            out.append(SAFE.charAt(s.charAt(i) % SAFE.length()));
        }
        return out.toString();
    }

    private static int fnv(int hash, byte[] bytes) {
        for (byte b : bytes) {
            hash ^= (b & 0xff);
            hash *= FNV_PRIME;
        }
        return hash;
    }

    /** Sorted keys at every level, so that field and map order never change the hash. */
    static byte[] canonicalJson(PodTemplateSpec template) {
        try {
            JsonNode tree = CANONICAL.valueToTree(template);
            return CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("pod template does not serialize: " + e.getMessage(), e);
        }
    }

    /**
     * Whether two templates are the same apart from the pod-template-hash label (upstream's
     * EqualIgnoreHash): how the controller recognises a Deployment's current ReplicaSet.
     */
    public static boolean equalIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) {
        return withoutHash(a).equals(withoutHash(b));
    }

    private static JsonNode withoutHash(PodTemplateSpec t) {
        JsonNode tree = CANONICAL.valueToTree(t);
        if (tree instanceof ObjectNode o && o.path("metadata").path("labels") instanceof ObjectNode labels) {
            labels.remove(LABEL);
            if (labels.isEmpty()) {
                ((ObjectNode) o.get("metadata")).remove("labels");
            }
        }
        return tree;
    }
}
