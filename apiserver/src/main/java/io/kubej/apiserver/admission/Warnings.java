package io.kubej.apiserver.admission;

import java.util.function.Consumer;

/**
 * Warnings an admission plugin returns with an admitted request (upstream's
 * {@code warning.AddWarning(ctx, ...)}): each becomes a {@code Warning} header, which kubectl
 * prints as "Warning: ...". The API server binds the sink for the request being served; the
 * request runs on one thread from decode to store, so the sink is the thread's.
 */
public final class Warnings {
    private static final ThreadLocal<Consumer<String>> SINK = new ThreadLocal<>();

    private Warnings() {
    }

    public static void add(String text) {
        Consumer<String> sink = SINK.get();
        if (sink != null) {
            sink.accept(text);
        }
    }

    /** Sends this thread's warnings to {@code sink} until {@link #unbind}. */
    public static void bind(Consumer<String> sink) {
        SINK.set(sink);
    }

    public static void unbind() {
        SINK.remove();
    }
}
