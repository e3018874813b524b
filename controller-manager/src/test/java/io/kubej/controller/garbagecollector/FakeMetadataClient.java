package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An API server in memory for the collector's workers: objects by identity, and a log of writes. */
final class FakeMetadataClient implements MetadataClient {
    static final ResourceMapping PODS = new ResourceMapping("", "v1", "Pod", "pods", true, Set.of("get", "list", "watch", "delete"));
    static final ResourceMapping CONFIG_MAPS = new ResourceMapping("", "v1", "ConfigMap", "configmaps", true, Set.of("get", "list", "watch", "delete"));
    static final ResourceMapping NAMESPACES = new ResourceMapping("", "v1", "Namespace", "namespaces", false, Set.of("get", "list", "watch", "delete"));
    static final ResourceMapping REPLICA_SETS = new ResourceMapping("apps", "v1", "ReplicaSet", "replicasets", true, Set.of("get", "list", "watch", "delete"));

    private final Map<String, ObjectMetadata> objects = new ConcurrentHashMap<>();
    final List<String> writes = new CopyOnWriteArrayList<>();
    RuntimeException failGets;

    @Override
    public ResourceMapping mapping(String apiVersion, String kind) {
        for (ResourceMapping m : List.of(PODS, CONFIG_MAPS, NAMESPACES, REPLICA_SETS)) {
            if (m.apiVersion().equals(apiVersion) && m.kind().equals(kind)) {
                return m;
            }
        }
        throw new RestMapper.RestMappingException(apiVersion, kind);
    }

    FakeMetadataClient put(ObjectMetadata obj) {
        objects.put(key(obj.identity().kind(), obj.identity().namespace(), obj.identity().name()), obj);
        return this;
    }

    @Override
    public ObjectMetadata get(ResourceMapping r, String namespace, String name) {
        if (failGets != null) {
            throw failGets;
        }
        return objects.get(key(r.kind(), r.namespaced() ? namespace : "", name));
    }

    @Override
    public boolean delete(ResourceMapping r, Identity item, String resourceVersion, DeletionPropagation policy) {
        writes.add("DELETE " + item.kind() + " " + item.namespace() + "/" + item.name() + " " + policy);
        return objects.remove(key(r.kind(), item.namespace(), item.name())) != null;
    }

    @Override
    public boolean patch(ResourceMapping r, Identity item, String mergePatch) {
        writes.add("PATCH " + item.kind() + " " + item.namespace() + "/" + item.name() + " " + mergePatch);
        return objects.containsKey(key(r.kind(), item.namespace(), item.name()));
    }

    private static String key(String kind, String namespace, String name) {
        return kind + "|" + namespace + "|" + name;
    }

    // --- fixtures ---

    static ObjectMetadata object(String kind, String namespace, String name, String uid, OwnerReference... owners) {
        String apiVersion = kind.equals("ReplicaSet") ? "apps/v1" : "v1";
        return new ObjectMetadata(new Identity(apiVersion, kind, namespace, name, uid), List.of(owners), false, List.of(), "1");
    }

    static ObjectMetadata deleting(ObjectMetadata obj, String... finalizers) {
        return new ObjectMetadata(obj.identity(), obj.ownerReferences(), true, List.of(finalizers), obj.resourceVersion());
    }

    static OwnerReference ref(String kind, String name, String uid, boolean blockOwnerDeletion) {
        return new OwnerReferenceBuilder().withApiVersion(kind.equals("ReplicaSet") ? "apps/v1" : "v1").withKind(kind)
                .withName(name).withUid(uid).withController(true).withBlockOwnerDeletion(blockOwnerDeletion).build();
    }
}
