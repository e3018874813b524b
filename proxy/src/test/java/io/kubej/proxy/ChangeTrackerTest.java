package io.kubej.proxy;

import static io.kubej.proxy.testing.Objects.endpoints;
import static io.kubej.proxy.testing.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubej.proxy.EndpointsChangeTracker.ServicePortKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeTrackerTest {

    @Test
    void headlessAndExternalNameServicesAreNotProgrammed() {
        ServiceChangeTracker t = new ServiceChangeTracker();
        t.update(null, service("default", "headless", "None", "p", 80, "TCP"));
        Service ext = new ServiceBuilder(service("default", "ext", "", "p", 80, "TCP"))
                .editSpec().withType("ExternalName").withExternalName("example.invalid").endSpec().build();
        t.update(null, ext);
        t.update(null, service("default", "web", "10.32.0.5", "http", 80, "TCP"));
        assertThat(t.snapshot()).extracting(p -> p.name().toString()).containsExactly("default/web:http");
    }

    @Test
    void deletedServiceDisappearsFromTheSnapshot() {
        ServiceChangeTracker t = new ServiceChangeTracker();
        Service web = service("default", "web", "10.32.0.5", "http", 80, "TCP");
        t.update(null, web);
        assertThat(t.changedSinceLastSnapshot()).containsExactly("default/web");
        assertThat(t.snapshot()).hasSize(1);
        assertThat(t.changedSinceLastSnapshot()).isEmpty();
        t.update(web, null);
        assertThat(t.snapshot()).isEmpty();
    }

    @Test
    void onlyReadyAddressesBecomeEndpointsOfTheNamedPort() {
        EndpointsChangeTracker t = new EndpointsChangeTracker();
        Endpoints eps = endpoints("default", "web", "http", 8080, "TCP", "10.200.0.3", "10.200.0.2");
        eps.getSubsets().get(0).setNotReadyAddresses(List.of(new EndpointAddressBuilder().withIp("10.200.0.9").build()));
        t.update(null, eps);
        var snapshot = t.snapshot();
        assertThat(snapshot.get(new ServicePortKey(new ServicePortName("default", "web", "http"), "TCP")))
                .containsExactly(new Endpoint("10.200.0.2", 8080), new Endpoint("10.200.0.3", 8080));
    }
}
