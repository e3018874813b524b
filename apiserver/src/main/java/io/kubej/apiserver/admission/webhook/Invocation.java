package io.kubej.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.apiserver.registry.Resource;

/**
 * A webhook that a request goes to, and the version of the resource it sees the request in
 * (upstream {@code generic.WebhookInvocation}): the request's own version, or, with
 * {@code matchPolicy: Equivalent}, another served version of the same resource that its rules
 * name. kubej's versions of one resource share their stored form (custom resources: conversion
 * None), so converting an object between them only changes its apiVersion.
 */
public record Invocation(Webhook webhook, Resource resource) {
    /** The object as this webhook sees it: in the invocation's version. */
    ObjectNode toVersion(ObjectNode object) {
        if (object == null || object.path("apiVersion").asText().equals(resource.groupVersion())
                || !object.has("apiVersion")) {
            return object;
        }
        ObjectNode copy = object.deepCopy();
        copy.put("apiVersion", resource.groupVersion());
        return copy;
    }
}
