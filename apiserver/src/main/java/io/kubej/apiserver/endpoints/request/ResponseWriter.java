package io.kubej.apiserver.endpoints.request;

/**
 * Where a handler writes its answer: a whole response, or a stream of frames for a watch
 * (chunked HTTP or WebSocket messages, decided by the server for this connection).
 */
public interface ResponseWriter {
    void send(int status, String contentType, byte[] body);

    /**
     * Adds a {@code Warning: 299 - "<text>"} header to the response not yet sent (RFC 7234 as
     * upstream uses it: kubectl prints each as "Warning: <text>").
     */
    void warning(String text);

    /**
     * Sets a header of the response not yet sent ({@code ETag} of a cacheable document, say);
     * ignored where the transport has no headers (a WebSocket).
     */
    default void header(String name, String value) {
    }

    /** Starts a streaming 200 response; frames are written with the returned stream. */
    Stream startStream(String contentType);

    interface Stream extends AutoCloseable {
        /** Writes one frame; false once the client has gone. */
        boolean write(byte[] frame);

        /** Completes when the client disconnects. */
        java.util.concurrent.CompletableFuture<Void> closed();

        @Override
        void close();
    }
}
