package io.kubej.kubelet.envvars;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The service environment variables (upstream pkg/kubelet/envvars FromServices, the
 * "Discovering services: environment variables" section of the Service docs): for a Service
 * {@code redis-primary} with cluster IP 10.0.0.11 and port 6379/TCP,
 * {@code REDIS_PRIMARY_SERVICE_HOST=10.0.0.11}, {@code REDIS_PRIMARY_SERVICE_PORT=6379}, one
 * {@code _SERVICE_PORT_<NAME>} per named port, and the Docker-link style
 * {@code REDIS_PRIMARY_PORT=tcp://10.0.0.11:6379} with {@code _PORT_6379_TCP}, {@code _PROTO},
 * {@code _PORT} and {@code _ADDR}.
 */
public final class ServiceEnv {
    private ServiceEnv() {
    }

    /** Variables for these services (headless ones and those without a cluster IP give none), sorted by service name. */
    public static List<Map.Entry<String, String>> fromServices(List<Service> services) {
        List<Map.Entry<String, String>> vars = new ArrayList<>();
        for (Service s : services.stream().sorted(Comparator.comparing(x -> x.getMetadata().getName())).toList()) {
            String ip = s.getSpec().getClusterIP();
            if (ip == null || ip.isEmpty() || ip.equals("None")) {
                continue;
            }
            List<ServicePort> ports = s.getSpec().getPorts() == null ? List.of() : s.getSpec().getPorts();
            String prefix = envName(s.getMetadata().getName());
            vars.add(Map.entry(prefix + "_SERVICE_HOST", ip));
            if (!ports.isEmpty()) {
                vars.add(Map.entry(prefix + "_SERVICE_PORT", Integer.toString(ports.getFirst().getPort())));
            }
            for (ServicePort p : ports) {
                if (p.getName() != null && !p.getName().isEmpty()) {
                    vars.add(Map.entry(prefix + "_SERVICE_PORT_" + envName(p.getName()), Integer.toString(p.getPort())));
                }
            }
            if (!ports.isEmpty()) {
                ServicePort first = ports.getFirst();
                vars.add(Map.entry(prefix + "_PORT", protocol(first).toLowerCase(Locale.ROOT) + "://" + ip + ":" + first.getPort()));
            }
            for (ServicePort p : ports) {
                String proto = protocol(p);
                String base = prefix + "_PORT_" + p.getPort() + "_" + proto.toUpperCase(Locale.ROOT);
                vars.add(Map.entry(base, proto.toLowerCase(Locale.ROOT) + "://" + ip + ":" + p.getPort()));
                vars.add(Map.entry(base + "_PROTO", proto.toLowerCase(Locale.ROOT)));
                vars.add(Map.entry(base + "_PORT", Integer.toString(p.getPort())));
                vars.add(Map.entry(base + "_ADDR", ip));
            }
        }
        return vars;
    }

    private static String protocol(ServicePort p) {
        return p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
    }

    /** {@code my-svc} -> {@code MY_SVC}. */
    static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
