package io.kubej.proxy.conntrack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stale connection-tracking entries with the real {@code conntrack} binary.
 *
 * <p>Why: iptables DNAT is decided once per flow, then conntrack remembers it. TCP flows end,
 * but a UDP client that keeps sending from the same port (a DNS resolver) would keep talking to
 * an endpoint that is gone until the entry times out. So when a UDP endpoint is removed, kube-proxy
 * deletes the entries that still point at it. Upstream: pkg/proxy/conntrack/cleanup.go.
 * A command prefix ({@code ip netns exec NS}) runs it inside a test's network namespace.
 */
public final class Conntrack {
    private static final Logger log = LoggerFactory.getLogger(Conntrack.class);

    private final List<String> prefix;

    public Conntrack() {
        this(List.of());
    }

    public Conntrack(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    public static Conntrack inNetns(String netns) {
        return new Conntrack(List.of("ip", "netns", "exec", netns));
    }

    /** Deletes flows of {@code protocol} sent to {@code origDst} that were DNATed to {@code natDst}. */
    public void clearEntriesForNat(String protocol, String origDst, String natDst) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("conntrack", "-D", "-p", protocol, "--orig-dst", origDst, "--dst-nat", natDst));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                log.warn("conntrack did not finish within 10s: {}", String.join(" ", cmd));
            }
            // exit 1 only means "0 flow entries have been deleted": nothing was stale
        } catch (IOException e) {
            log.warn("cannot run conntrack ({}): stale UDP flows to {} will live until they time out", e.getMessage(), natDst);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
