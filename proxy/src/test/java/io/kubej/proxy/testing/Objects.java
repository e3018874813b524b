package io.kubej.proxy.testing;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Arrays;

/** Small builders for the Service and Endpoints objects the tests feed to the proxier. */
public final class Objects {
    private Objects() {
    }

    /** A ClusterIP Service with one named port. */
    public static Service service(String ns, String name, String clusterIP, String portName, int port, String protocol) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIP)
                .withPorts(new ServicePortBuilder().withName(portName).withPort(port).withProtocol(protocol).build())
                .endSpec()
                .build();
    }

    /** Endpoints with one subset: every given ready IP on one named port. */
    public static Endpoints endpoints(String ns, String name, String portName, int port, String protocol, String... readyIps) {
        return new EndpointsBuilder()
                .withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .addNewSubset()
                .withAddresses(Arrays.stream(readyIps).map(ip -> new EndpointAddressBuilder().withIp(ip).build()).toList())
                .withPorts(new EndpointPortBuilder().withName(portName).withPort(port).withProtocol(protocol).build())
                .endSubset()
                .build();
    }
}
