package io.kubej.testcluster.cluster.create;

import io.kubej.testcluster.cluster.ClusterConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Brings a cluster up by running its steps in order, printing each and how long it took.
 * A step that fails stops the bring-up with its error; what already runs is left for
 * {@code kubej down} (and for the learner to inspect in {@code logs/}).
 */
public final class ClusterCreator {
    private final List<Action> actions;

    public ClusterCreator(List<Action> actions) {
        this.actions = List.copyOf(actions);
    }

    /** Runs every step; returns the total time. */
    public Duration create(ClusterConfig config, PrintStream out) throws Exception {
        ActionContext ctx = new ActionContext(config, out);
        Instant start = Instant.now();
        int i = 0;
        for (Action action : actions) {
            i++;
            out.printf("[%d/%d] %s ...%n", i, actions.size(), action.description());
            out.flush();
            Instant stepStart = Instant.now();
            try {
                action.execute(ctx);
            } catch (Exception e) {
                out.printf("[%d/%d] %s FAILED: %s%n", i, actions.size(), action.description(), describe(e));
                out.printf("        logs are in %s; `kubej down --dir %s` removes what was started%n",
                        config.logDir(), config.dir());
                throw e;
            }
            out.printf("        done in %.1fs%n", Duration.between(stepStart, Instant.now()).toMillis() / 1000.0);
        }
        return Duration.between(start, Instant.now());
    }

    /** Our own failures carry a sentence; a library's (e.g. NoSuchFileException) needs its type to make sense. */
    private static String describe(Exception e) {
        return e instanceof IllegalStateException || e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
    }
}
