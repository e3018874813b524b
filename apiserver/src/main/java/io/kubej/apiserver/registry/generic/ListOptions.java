package io.kubej.apiserver.registry.generic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.api.FieldSelector;
import io.kubej.apiserver.api.LabelSelector;

/**
 * What a list or watch asks for (upstream {@code metav1.ListOptions}), already parsed and
 * checked against the resource's field labels by the HTTP layer.
 *
 * @param resourceVersion      "" (most recent), "0" (any), or a revision; see {@link Store#list}
 * @param resourceVersionMatch "", NotOlderThan or Exact
 * @param limit                page size, 0 for everything
 * @param allowWatchBookmarks  the watcher wants BOOKMARK events
 * @param sendInitialEvents    watch-list (KEP-3157): a watch starts with the current objects, then a bookmark
 */
public record ListOptions(LabelSelector labels, FieldSelector fields, String resourceVersion, String resourceVersionMatch,
                          long limit, String continueToken, boolean allowWatchBookmarks, Boolean sendInitialEvents) {

    public static ListOptions everything() {
        return new ListOptions(LabelSelector.everything(), FieldSelector.everything(), "", "", 0, null, false, null);
    }

    /**
     * Everything, as recent as the watch cache has it ({@code resourceVersion=0}): what admission
     * plugins read, as upstream's read their informers' listers. An etcd round trip per request
     * for a list of LimitRanges or ResourceQuotas would cost more than the write it guards.
     */
    public static ListOptions everythingFromCache() {
        return new ListOptions(LabelSelector.everything(), FieldSelector.everything(), "0", "", 0, null, false, null);
    }

    /** A watch without a resourceVersion, or with "0", starts at the current state. */
    public boolean startsFromNow() {
        return resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0");
    }

    /**
     * Whether a watch begins with an ADDED event per existing object: as sendInitialEvents says
     * (watch-list), else exactly when it starts from now.
     */
    public boolean wantsInitialEvents() {
        return sendInitialEvents != null ? sendInitialEvents : startsFromNow();
    }

    /** Whether an object passes both selectors (upstream's SelectionPredicate). */
    public boolean matches(ObjectNode object) {
        return labels.matches(object.path("metadata").get("labels")) && fields.matches(object);
    }
}
