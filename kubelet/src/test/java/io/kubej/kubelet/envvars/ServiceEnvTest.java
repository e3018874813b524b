package io.kubej.kubelet.envvars;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvTest {
    static Service service(String ns, String name, String ip, int... ports) {
        ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withClusterIP(ip).endSpec();
        for (int i = 0; i < ports.length; i++) {
            b.editSpec().addNewPort().withName(i == 0 ? null : "metrics-port").withPort(ports[i]).withProtocol("TCP").endPort().endSpec();
        }
        return b.build();
    }

    @Test
    void aServiceGivesServiceHostPortAndDockerLinkVariables() {
        var vars = ServiceEnv.fromServices(List.of(service("default", "redis-primary", "10.0.0.11", 6379, 9121)));
        assertThat(vars).containsExactly(
                Map.entry("REDIS_PRIMARY_SERVICE_HOST", "10.0.0.11"),
                Map.entry("REDIS_PRIMARY_SERVICE_PORT", "6379"),
                Map.entry("REDIS_PRIMARY_SERVICE_PORT_METRICS_PORT", "9121"),
                Map.entry("REDIS_PRIMARY_PORT", "tcp://10.0.0.11:6379"),
                Map.entry("REDIS_PRIMARY_PORT_6379_TCP", "tcp://10.0.0.11:6379"),
                Map.entry("REDIS_PRIMARY_PORT_6379_TCP_PROTO", "tcp"),
                Map.entry("REDIS_PRIMARY_PORT_6379_TCP_PORT", "6379"),
                Map.entry("REDIS_PRIMARY_PORT_6379_TCP_ADDR", "10.0.0.11"),
                Map.entry("REDIS_PRIMARY_PORT_9121_TCP", "tcp://10.0.0.11:9121"),
                Map.entry("REDIS_PRIMARY_PORT_9121_TCP_PROTO", "tcp"),
                Map.entry("REDIS_PRIMARY_PORT_9121_TCP_PORT", "9121"),
                Map.entry("REDIS_PRIMARY_PORT_9121_TCP_ADDR", "10.0.0.11"));
    }

    @Test
    void headlessServicesGiveNoVariables() {
        assertThat(ServiceEnv.fromServices(List.of(service("default", "db", "None", 5432)))).isEmpty();
    }
}
