package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.registry.Resource;

/**
 * What an admission plugin is asked about (upstream {@code admission.Attributes}): the
 * operation, the resource and subresource, where, by whom, and the object when there is one.
 *
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param object    the incoming object (create), the object as it will be stored (update and patch: after the
 *                  patch is applied to the current one), or null (delete)
 * @param oldObject the current object of an update or patch, else null
 */
public record Attributes(String operation, Resource resource, String subresource, String namespace, String name,
                         ObjectNode object, ObjectNode oldObject, UserInfo user, boolean dryRun) {
    /** Whether this creates an object of {@code group}/{@code plural} itself (not a subresource), as most defaulting plugins ask. */
    public boolean creates(String group, String plural) {
        return operation.equals("CREATE") && mainResource() && object != null
                && resource.group().equals(group) && resource.plural().equals(plural);
    }

    /** Whether this is about the resource itself (true) or one of its subresources. */
    public boolean mainResource() {
        return subresource == null || subresource.isEmpty();
    }
}
