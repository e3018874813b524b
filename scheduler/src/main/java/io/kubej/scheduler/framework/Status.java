package io.kubej.scheduler.framework;

import java.util.List;

/**
 * What a plugin returns: a {@link Code}, the reasons (shown to users in the FailedScheduling
 * event, e.g. "Insufficient cpu") and the plugin that failed (upstream: framework.Status).
 */
public record Status(Code code, List<String> reasons, String plugin) {
    private static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), null);

    public static Status success() {
        return SUCCESS;
    }

    public static Status unschedulable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), plugin);
    }

    public static Status unresolvable(String plugin, String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), plugin);
    }

    public static Status error(String plugin, String reason) {
        return new Status(Code.ERROR, List.of(reason), plugin);
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    public boolean isUnschedulable() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    public String message() {
        return String.join(", ", reasons);
    }
}
