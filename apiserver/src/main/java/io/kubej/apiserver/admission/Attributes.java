package io.kubej.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.authentication.UserInfo;
import io.kubej.apiserver.registry.Resource;

/**
 * What an admission plugin is asked about (upstream {@code admission.Attributes}): the
 * operation, the resource and subresource, where, by whom, and the object when there is one.
 *
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param object    the incoming object (create/update), or null
 */
public record Attributes(String operation, Resource resource, String subresource, String namespace, String name,
                         ObjectNode object, UserInfo user, boolean dryRun) {
}
