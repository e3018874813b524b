package io.kubej.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduling profile: the plugins at each extension point, run in order (upstream:
 * frameworkImpl in pkg/scheduler/framework/runtime). The Scheduler calls these; plugins never
 * call each other.
 */
public final class Framework {
    private final String profileName;
    private final List<PreFilterPlugin> preFilters = new ArrayList<>();
    private final List<FilterPlugin> filters = new ArrayList<>();
    private final List<ScorePlugin> scorers = new ArrayList<>();
    private final List<BindPlugin> binders = new ArrayList<>();

    public Framework(String profileName, List<? extends Plugin> plugins) {
        this.profileName = profileName;
        for (Plugin p : plugins) {
            if (p instanceof PreFilterPlugin pf) {
                preFilters.add(pf);
            }
            if (p instanceof FilterPlugin f) {
                filters.add(f);
            }
            if (p instanceof ScorePlugin s) {
                scorers.add(s);
            }
            if (p instanceof BindPlugin b) {
                binders.add(b);
            }
        }
    }

    public String profileName() {
        return profileName;
    }

    public Status runPreFilterPlugins(CycleState state, Pod pod) {
        for (PreFilterPlugin p : preFilters) {
            Status s = p.preFilter(state, pod);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return Status.success();
    }

    /** The first failing filter's status for this node, or success. */
    public Status runFilterPlugins(CycleState state, Pod pod, NodeInfo node) {
        for (FilterPlugin p : filters) {
            Status s = p.filter(state, pod, node);
            if (!s.isSuccess()) {
                return s;
            }
        }
        return Status.success();
    }

    /** Each node's weighted score summed over the score plugins. */
    public Map<String, Long> runScorePlugins(CycleState state, Pod pod, List<NodeInfo> nodes) {
        Map<String, Long> total = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            long sum = 0;
            for (ScorePlugin p : scorers) {
                sum += p.score(state, pod, n) * p.weight();
            }
            total.put(n.name(), sum);
        }
        return total;
    }

    /** Binders run in order until one does not skip; kubej's only binder is DefaultBinder. */
    public Status runBindPlugins(CycleState state, Pod pod, String nodeName) {
        if (binders.isEmpty()) {
            return Status.error("framework", "no bind plugin");
        }
        return binders.get(0).bind(state, pod, nodeName);
    }
}
