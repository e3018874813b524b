package io.kubej.apiserver.endpoints.openapi;

import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.registry.Resource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OpenAPI documents the server publishes, built from the registry once each time what it
 * serves changes (a CustomResourceDefinition adds or removes kinds), never per request: the
 * v2 document as JSON and as gnostic protobuf, the v3 root and one v3 document per group
 * version. Each carries an ETag (a hash of its bytes), so kubectl's HTTP cache revalidates
 * with {@code If-None-Match} and gets a 304 while nothing changed.
 */
public final class OpenApiDocuments {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OpenApiDocuments.class);
    /**
     * The Content-Type of the v2 document as protobuf. kubectl asks for it as
     * {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}, but Go's media-type
     * parser refuses the "@" in an answer, so the reply spells it with a dot, as upstream's does.
     */
    public static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /** One published document: its bytes, Content-Type and ETag. */
    public record Document(byte[] body, String contentType, String etag) {
        static Document of(byte[] body, String contentType) {
            return new Document(body, contentType, "\"" + hash(body) + "\"");
        }
    }

    private record Built(List<Resource> from, Document v2Json, Document v2Protobuf, Document v3Root, Map<String, Document> v3) {
    }

    private final Supplier<List<Resource>> resources;
    private final String version;
    private volatile Built built;

    /**
     * @param resources what is served now
     * @param version   the server's version, as the documents' {@code info.version}
     */
    public OpenApiDocuments(Supplier<List<Resource>> resources, String version) {
        this.resources = resources;
        this.version = version;
    }

    /** {@code /openapi/v2}, as JSON or as the gnostic protobuf. */
    public Document v2(boolean protobuf) {
        Built b = current();
        return protobuf ? b.v2Protobuf : b.v2Json;
    }

    /** {@code /openapi/v3}. */
    public Document v3Root() {
        return current().v3Root;
    }

    /** {@code /openapi/v3/<path>} ({@code api/v1}, {@code apis/apps/v1}), or null for a group version not served. */
    public Document v3(String path) {
        return current().v3.get(path);
    }

    /** Whether the client's Accept asks for the v2 document as protobuf. */
    public static boolean wantsProtobuf(String accept) {
        return accept.contains("application/com.github.proto-openapi.spec.v2@v1.0+protobuf") || accept.contains(V2_PROTOBUF);
    }

    private Built current() {
        List<Resource> now = resources.get();
        Built b = built;
        if (b != null && sameRegistrations(b.from, now)) {
            return b;
        }
        synchronized (this) {
            b = built;
            if (b == null || !sameRegistrations(b.from, now)) {
                b = build(now);
                built = b;
            }
            return b;
        }
    }

    /** The registry replaces a Resource whenever it changes, so the same objects in the same order mean nothing changed. */
    private static boolean sameRegistrations(List<Resource> a, List<Resource> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    private Built build(List<Resource> now) {
        long started = System.nanoTime();
        OpenApiDefinitions defs = OpenApiDefinitions.of(now);
        var v2 = OpenApiV2.document(defs, version);
        Document v2Json = Document.of(Json.bytes(v2), "application/json");
        Document v2Protobuf = Document.of(GnosticEncoder.document(v2).toByteArray(), V2_PROTOBUF);
        Map<String, List<Resource>> byGroupVersion = new LinkedHashMap<>();
        for (Resource r : now) {
            byGroupVersion.computeIfAbsent(r.groupVersion(), k -> new java.util.ArrayList<>()).add(r);
        }
        Map<String, Document> v3 = new LinkedHashMap<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        byGroupVersion.forEach((gv, rs) -> {
            Document d = Document.of(Json.bytes(OpenApiV3.document(defs, rs, version)), "application/json");
            String path = OpenApiV3.path(gv);
            v3.put(path, d);
            hashes.put(path, d.etag().replace("\"", ""));
        });
        Document root = Document.of(Json.bytes(OpenApiV3.root(hashes)), "application/json");
        log.debug("OpenAPI documents of {} resources built in {} ms ({} bytes of v2 JSON)", now.size(),
                (System.nanoTime() - started) / 1_000_000, v2Json.body().length);
        return new Built(List.copyOf(now), v2Json, v2Protobuf, root, v3);
    }

    private static String hash(byte[] body) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
