package io.kubej.controller.garbagecollector;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** {@link MetadataClient} over fabric8's generic resources, reached through discovery. */
final class RestMetadataClient implements MetadataClient {
    private final KubernetesClient client;
    private final RestMapper mapper;

    /**
     * @param client the collector's own (its service account's), for reads and writes
     * @param mapper discovery
     */
    RestMetadataClient(KubernetesClient client, RestMapper mapper) {
        this.client = client;
        this.mapper = mapper;
    }

    @Override
    public ResourceMapping mapping(String apiVersion, String kind) {
        return mapper.mapping(apiVersion, kind);
    }

    private Resource<GenericKubernetesResource> resource(ResourceMapping r, String namespace, String name) {
        var op = client.genericKubernetesResources(r.context());
        return r.namespaced() ? op.inNamespace(namespace).withName(name) : op.withName(name);
    }

    @Override
    public ObjectMetadata get(ResourceMapping r, String namespace, String name) {
        GenericKubernetesResource obj = resource(r, namespace, name).get();
        return obj == null ? null : ObjectMetadata.of(obj, r.apiVersion(), r.kind());
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean delete(ResourceMapping r, Identity item, String resourceVersion, DeletionPropagation policy) {
        // fabric8 hands back the same resource operation with the policy set
        var withPolicy = (Resource<GenericKubernetesResource>) resource(r, item.namespace(), item.name()).withPropagationPolicy(policy);
        var deletable = resourceVersion == null ? withPolicy : withPolicy.lockResourceVersion(resourceVersion);
        return !deletable.delete().isEmpty();
    }

    @Override
    public boolean patch(ResourceMapping r, Identity item, String mergePatch) {
        try {
            resource(r, item.namespace(), item.name()).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }
}
