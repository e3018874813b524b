package io.kubej.apiserver.registry.core;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.kubej.apiserver.api.ProtobufBody;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.core.configmap.ConfigStrategies;
import io.kubej.apiserver.registry.core.endpoint.EndpointsStrategy;
import io.kubej.apiserver.registry.core.event.EventStrategy;
import io.kubej.apiserver.registry.core.namespace.FinalizeSubresource;
import io.kubej.apiserver.registry.core.namespace.NamespaceStrategy;
import io.kubej.apiserver.registry.core.node.NodeStrategy;
import io.kubej.apiserver.registry.core.misc.CorePolicyResources;
import io.kubej.apiserver.registry.core.persistentvolume.PersistentVolumes;
import io.kubej.apiserver.registry.core.pod.BindingSubresource;
import io.kubej.apiserver.registry.core.pod.EphemeralContainersSubresource;
import io.kubej.apiserver.registry.core.pod.EvictionSubresource;
import io.kubej.apiserver.registry.core.serviceaccount.TokenRequestSubresource;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.core.pod.PodStrategy;
import io.kubej.apiserver.registry.core.pod.PodTable;
import io.kubej.apiserver.registry.core.service.ServiceStrategy;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.ArrayList;
import java.util.List;

/**
 * The core ("legacy", group "") API, v1 (upstream {@code pkg/registry/core/rest/storage_core.go}).
 */
public final class CoreResources {
    private CoreResources() {
    }

    /**
     * @param budgets       the PodDisruptionBudgets of a namespace, for pod eviction
     * @param tokenRequests {@code serviceaccounts/{name}/token}
     */
    public static List<Resource> resources(ServiceStrategy services, EvictionSubresource.Budgets budgets,
                                           TokenRequestSubresource tokenRequests) {
        List<Resource> all = new ArrayList<>(basics(services, budgets, tokenRequests));
        all.add(PersistentVolumes.volumes());
        all.add(PersistentVolumes.claims());
        all.addAll(CorePolicyResources.resources());
        return all;
    }

    private static List<Resource> basics(ServiceStrategy services, EvictionSubresource.Budgets budgets,
                                         TokenRequestSubresource tokenRequests) {
        return List.of(
                Resource.builder("", "v1", "Namespace").clusterScoped().shortNames("ns").model(Namespace.class)
                        .nameRule(Validation.NameRule.DNS1123_LABEL).fieldLabels("status.phase")
                        .strategy(new NamespaceStrategy()).table(NamespaceStrategy.table())
                        .subresource(StatusSubresource.INSTANCE).subresource(new FinalizeSubresource())
                        .protobuf(ProtobufBody.NAMESPACE.decoder()).build(),
                Resource.builder("", "v1", "Pod").shortNames("po").categories("all").model(Pod.class)
                        .fieldLabels("spec.nodeName", "status.phase", "spec.schedulerName", "spec.restartPolicy",
                                "spec.serviceAccountName", "status.podIP", "status.nominatedNodeName")
                        .strategy(new PodStrategy()).table(new PodTable()).patchMeta(PodPatchMeta.POD)
                        .subresource(StatusSubresource.INSTANCE).subresource(new BindingSubresource())
                        .subresource(new EvictionSubresource(budgets))
                        .subresource(new EphemeralContainersSubresource()).build(),
                Resource.builder("", "v1", "Node").clusterScoped().shortNames("no").model(Node.class).etcdResource("minions")
                        .fieldLabels("spec.unschedulable").strategy(new NodeStrategy()).table(NodeStrategy.table())
                        .patchMeta(PatchMeta.object()
                                .field("spec", PatchMeta.fields().mergeSet("podCIDRs").build())
                                .field("status", PatchMeta.fields().mergeList("conditions", "type").mergeList("addresses", "type").build())
                                .build())
                        .subresource(StatusSubresource.INSTANCE).build(),
                Resource.builder("", "v1", "Service").shortNames("svc").categories("all").model(Service.class)
                        .etcdResource("services/specs").nameRule(Validation.NameRule.DNS1035_LABEL)
                        .strategy(services).table(ServiceStrategy.table()).protobuf(ServiceStrategy.PROTO.decoder())
                        .patchMeta(PatchMeta.object()
                                .field("spec", PatchMeta.fields().mapList("ports", PatchMeta.EMPTY, "port", "protocol").atomic("selector").build())
                                .field("status", PatchMeta.fields().mergeList("conditions", "type").build()).build())
                        .subresource(StatusSubresource.INSTANCE).build(),
                Resource.builder("", "v1", "Endpoints").plural("endpoints").singular("endpoints").shortNames("ep")
                        .model(Endpoints.class).etcdResource("services/endpoints")
                        .strategy(new EndpointsStrategy()).table(EndpointsStrategy.table()).build(),
                Resource.builder("", "v1", "Event").shortNames("ev").model(Event.class)
                        .fieldLabels("involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid",
                                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                                "reason", "type", "source", "reportingComponent")
                        .strategy(new EventStrategy()).table(EventStrategy.table()).build(),
                Resource.builder("", "v1", "ConfigMap").shortNames("cm").model(ConfigMap.class)
                        .strategy(ConfigStrategies.configMap()).table(ConfigStrategies.configMapTable())
                        .protobuf(ProtobufBody::configObject).build(),
                Resource.builder("", "v1", "Secret").model(Secret.class).fieldLabels("type")
                        .strategy(ConfigStrategies.secret()).table(ConfigStrategies.secretTable())
                        .protobuf(ProtobufBody::configObject).build(),
                Resource.builder("", "v1", "ServiceAccount").shortNames("sa").model(ServiceAccount.class)
                        .strategy(ConfigStrategies.plain(o -> { })).table(ConfigStrategies.serviceAccountTable())
                        .patchMeta(PatchMeta.object().mergeList("secrets", "name").build())
                        .subresource(tokenRequests)
                        .protobuf(ProtobufBody.SERVICE_ACCOUNT.decoder()).build());
    }
}
