package io.kubej.scheduler.framework;

/** A plugin's verdict (upstream: framework.Code). */
public enum Code {
    /** The plugin is fine with the pod (on this node). */
    SUCCESS,
    /** An internal error: retry later, the pod itself may be fine. */
    ERROR,
    /** The pod does not fit; it may after the cluster changes (e.g. another pod goes, preemption). */
    UNSCHEDULABLE,
    /** The pod does not fit and no preemption on this node can change that. */
    UNSCHEDULABLE_AND_UNRESOLVABLE
}
