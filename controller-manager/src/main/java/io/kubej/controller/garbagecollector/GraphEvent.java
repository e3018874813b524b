package io.kubej.controller.garbagecollector;

/**
 * One change the graph builder applies (upstream: {@code event} in graph_builder.go): an
 * informer's add, update or delete, or a "virtual" delete the collector makes up after the API
 * server said an object the graph only assumed (an owner named by a dependent) does not exist.
 *
 * @param old the object before an update, else null
 */
record GraphEvent(Type type, boolean virtual, ObjectMetadata object, ObjectMetadata old) {
    enum Type { ADD, UPDATE, DELETE }

    static GraphEvent add(ObjectMetadata obj) {
        return new GraphEvent(Type.ADD, false, obj, null);
    }

    static GraphEvent update(ObjectMetadata old, ObjectMetadata obj) {
        return new GraphEvent(Type.UPDATE, false, obj, old);
    }

    static GraphEvent delete(ObjectMetadata obj) {
        return new GraphEvent(Type.DELETE, false, obj, null);
    }

    /** The API server says {@code identity} does not exist (upstream: enqueueVirtualDeleteEvent). */
    static GraphEvent virtualDelete(Identity identity) {
        return new GraphEvent(Type.DELETE, true, new ObjectMetadata(identity, null, false, null, null), null);
    }
}
