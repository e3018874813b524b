package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * What a monitor keeps of each object: its metadata, without managedFields and annotations
 * (upstream watches PartialObjectMetadata, which needs no spec or status either). The graph
 * reads only identity, ownerReferences, deletionTimestamp and finalizers, and a collector that
 * watches every kind should not hold a second copy of every Secret and ConfigMap's data.
 */
final class MetadataOnlyStore extends BasicItemStore<GenericKubernetesResource> {
    MetadataOnlyStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
        return super.put(key, metadataOnly(obj));
    }

    static GenericKubernetesResource metadataOnly(GenericKubernetesResource obj) {
        GenericKubernetesResource slim = new GenericKubernetesResource();
        slim.setApiVersion(obj.getApiVersion());
        slim.setKind(obj.getKind());
        slim.setMetadata(new ObjectMetaBuilder(obj.getMetadata()).withManagedFields().withAnnotations(null).build());
        return slim;
    }
}
