package io.kubej.proxy.util.iptables;

import java.util.List;

/**
 * The few iptables operations kube-proxy needs, so the proxier reads as "what rules" rather than
 * "how to run a binary".
 *
 * <p>Why an interface: the real implementation ({@link ExecIptables}) runs the iptables binaries,
 * optionally inside a network namespace ({@code ip netns exec NS ...}), which is how the tests
 * give each case its own private iptables. Upstream: pkg/util/iptables (Interface).
 */
public interface Iptables {

    /** The tables kube-proxy writes to. */
    enum Table {
        NAT("nat"), FILTER("filter");

        public final String name;

        Table(String name) {
            this.name = name;
        }
    }

    /** Where {@link #ensureRule} puts a missing rule. */
    enum RulePosition { PREPEND, APPEND }

    /** Makes sure {@code chain} exists in {@code table} (creates it empty if missing). */
    void ensureChain(Table table, String chain);

    /**
     * Makes sure a rule with exactly {@code args} exists in {@code chain}; adds it if missing.
     * Returns true if it already existed.
     */
    boolean ensureRule(RulePosition position, Table table, String chain, List<String> args);

    /** Deletes the rule if it exists; a missing rule or chain is not an error. */
    void deleteRule(Table table, String chain, List<String> args);

    /** The table in iptables-save format. */
    String save(Table table);

    /**
     * Applies {@code rules} (iptables-save format, one or more {@code *table ... COMMIT} blocks)
     * atomically with iptables-restore. With {@code noFlush}, chains not named in the input are
     * left alone; chains declared with {@code :NAME - [0:0]} are flushed (or created).
     */
    void restoreAll(String rules, boolean noFlush, boolean counters);
}
