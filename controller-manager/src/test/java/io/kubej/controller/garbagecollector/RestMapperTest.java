package io.kubej.controller.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the collector watches and how it reaches a kind, from discovery documents served by a stub. */
class RestMapperTest {
    private final Map<String, String> discovery = new java.util.concurrent.ConcurrentHashMap<>(Map.of(
            "/api/v1", """
                {"kind":"APIResourceList","groupVersion":"v1","resources":[
                  {"name":"pods","namespaced":true,"kind":"Pod","verbs":["create","delete","get","list","watch"]},
                  {"name":"pods/status","namespaced":true,"kind":"Pod","verbs":["get","update"]},
                  {"name":"events","namespaced":true,"kind":"Event","verbs":["create","delete","get","list","watch"]},
                  {"name":"bindings","namespaced":true,"kind":"Binding","verbs":["create"]},
                  {"name":"componentstatuses","namespaced":false,"kind":"ComponentStatus","verbs":["get","list"]},
                  {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["create","delete","get","list","watch"]}]}""",
            "/apis", """
                {"kind":"APIGroupList","groups":[
                  {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
                  {"name":"gc.example.com","versions":[{"groupVersion":"gc.example.com/v2","version":"v2"},{"groupVersion":"gc.example.com/v1","version":"v1"}],
                   "preferredVersion":{"groupVersion":"gc.example.com/v2","version":"v2"}}]}""",
            "/apis/apps/v1", """
                {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
                  {"name":"replicasets","namespaced":true,"kind":"ReplicaSet","verbs":["create","delete","get","list","watch"]}]}""",
            "/apis/gc.example.com/v2", """
                {"kind":"APIResourceList","groupVersion":"gc.example.com/v2","resources":[
                  {"name":"widgets","namespaced":true,"kind":"Widget","verbs":["delete","get","list","watch"]}]}""",
            "/apis/gc.example.com/v1", """
                {"kind":"APIResourceList","groupVersion":"gc.example.com/v1","resources":[
                  {"name":"widgets","namespaced":true,"kind":"Widget","verbs":["delete","get","list","watch"]}]}"""));

    private HttpServer server;
    private KubernetesClient client;

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = discovery.get(exchange.getRequestURI().getPath());
            byte[] bytes = (body != null ? body : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"code\":404}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body != null ? 200 : 404, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort()).withRequestRetryBackoffLimit(0).build()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void monitorsEveryResourceThatCanBeListedWatchedAndDeletedInItsPreferredVersionButEvents() {
        RestMapper mapper = new RestMapper(client);
        mapper.refresh();

        assertThat(mapper.deletableResources()).extracting(ResourceMapping::toString)
                .containsExactlyInAnyOrder("v1, Resource=pods", "v1, Resource=namespaces", "apps/v1, Resource=replicasets",
                        "gc.example.com/v2, Resource=widgets");
    }

    @Test
    void mapsAnyServedVersionOfAKindToItsResourceAndScope() {
        RestMapper mapper = new RestMapper(client);
        mapper.refresh();

        ResourceMapping old = mapper.mapping("gc.example.com/v1", "Widget");
        assertThat(old.plural()).isEqualTo("widgets");
        assertThat(old.version()).isEqualTo("v1");
        assertThat(mapper.mapping("v1", "Namespace").namespaced()).isFalse();
        assertThat(mapper.mapping("apps/v1", "ReplicaSet").namespaced()).isTrue();
        assertThatThrownBy(() -> mapper.mapping("apps/v1", "Gadget")).isInstanceOf(RestMapper.RestMappingException.class);
    }

    @Test
    void aGroupVersionWhoseDiscoveryFailsKeepsWhatWasKnownOfIt() {
        RestMapper mapper = new RestMapper(client);
        mapper.refresh();
        discovery.remove("/apis/apps/v1"); // now a 404

        mapper.refresh();

        assertThat(mapper.deletableResources()).extracting(ResourceMapping::toString).contains("apps/v1, Resource=replicasets");
        assertThat(mapper.mapping("apps/v1", "ReplicaSet").plural()).isEqualTo("replicasets");
    }
}
