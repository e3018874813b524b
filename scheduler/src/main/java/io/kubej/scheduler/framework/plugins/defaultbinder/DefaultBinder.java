package io.kubej.scheduler.framework.plugins.defaultbinder;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubej.scheduler.framework.BindPlugin;
import io.kubej.scheduler.framework.CycleState;
import io.kubej.scheduler.framework.Status;
import java.util.concurrent.TimeUnit;

/**
 * DefaultBinder (upstream: plugins/defaultbinder): POST a v1 Binding to the pod's
 * {@code binding} subresource, {@code /api/v1/namespaces/{ns}/pods/{name}/binding}. The API
 * server then sets spec.nodeName, and the kubelet of that node picks the pod up.
 *
 * <p>fabric8's typed {@code bindings()} posts to the older collection path
 * {@code /namespaces/{ns}/bindings}; kubej sends the subresource request itself, through the
 * client's authenticated HTTP client, so the path is the one upstream's scheduler uses.
 */
public final class DefaultBinder implements BindPlugin {
    public static final String NAME = "DefaultBinder";
    private final KubernetesClient client;

    public DefaultBinder(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status bind(CycleState state, Pod pod, String nodeName) {
        Binding binding = binding(pod, nodeName);
        String url = bindingUrl(client.getMasterUrl().toString(), pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        try {
            HttpClient http = client.getHttpClient();
            HttpRequest request = http.newHttpRequestBuilder()
                    .uri(url)
                    .post("application/json", Serialization.asJson(binding))
                    .build();
            HttpResponse<String> response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            if (response.isSuccessful()) {
                return Status.success();
            }
            return Status.error(NAME, "binding rejected with HTTP " + response.code() + ": " + response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.error(NAME, "interrupted");
        } catch (Exception e) {
            return Status.error(NAME, e.toString());
        }
    }

    public static Binding binding(Pod pod, String nodeName) {
        return new BindingBuilder()
                .withNewMetadata()
                    .withName(pod.getMetadata().getName())
                    .withNamespace(pod.getMetadata().getNamespace())
                    .withUid(pod.getMetadata().getUid())
                .endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(nodeName).endTarget()
                .build();
    }

    public static String bindingUrl(String masterUrl, String namespace, String name) {
        String base = masterUrl.endsWith("/") ? masterUrl : masterUrl + "/";
        return base + "api/v1/namespaces/" + namespace + "/pods/" + name + "/binding";
    }
}
