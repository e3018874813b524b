package io.kubej.scheduler;

import io.kubej.scheduler.framework.Status;
import java.util.Map;
import java.util.TreeMap;

/**
 * "No node fits this pod", with why per node (upstream: framework.FitError). Its message is what
 * the user reads in the FailedScheduling event and the PodScheduled condition, e.g.
 * {@code 0/3 nodes are available: 1 Insufficient cpu, 2 node(s) were unschedulable.}
 */
public final class FitError extends Exception {
    private final int numAllNodes;
    private final Map<String, Status> nodeToStatus;

    public FitError(int numAllNodes, Map<String, Status> nodeToStatus) {
        super(message(numAllNodes, nodeToStatus));
        this.numAllNodes = numAllNodes;
        this.nodeToStatus = nodeToStatus;
    }

    public int numAllNodes() {
        return numAllNodes;
    }

    public Map<String, Status> nodeToStatus() {
        return nodeToStatus;
    }

    static String message(int numAllNodes, Map<String, Status> nodeToStatus) {
        if (numAllNodes == 0) {
            return "no nodes available to schedule pods";
        }
        // a histogram of reasons, sorted by reason text as upstream does
        Map<String, Integer> histogram = new TreeMap<>();
        for (Status s : nodeToStatus.values()) {
            for (String reason : s.reasons()) {
                histogram.merge(reason, 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder("0/").append(numAllNodes).append(" nodes are available");
        if (!histogram.isEmpty()) {
            sb.append(": ");
            String sep = "";
            for (var e : histogram.entrySet()) {
                sb.append(sep).append(e.getValue()).append(' ').append(e.getKey());
                sep = ", ";
            }
        }
        return sb.append('.').toString();
    }
}
