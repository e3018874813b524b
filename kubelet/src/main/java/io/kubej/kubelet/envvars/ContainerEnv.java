package io.kubej.kubelet.envvars;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.kubej.kubelet.configmap.ConfigMapManager;
import io.kubej.kubelet.events.EventRecorder;
import io.kubej.kubelet.fieldpath.FieldPath;
import io.kubej.kubelet.kuberuntime.CreateContainerConfigException;
import io.kubej.kubelet.secret.SecretManager;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A container's environment (upstream kubelet_pods.go makeEnvironmentVariables), in upstream's
 * order of precedence: envFrom sources first (ConfigMaps and Secrets, each key with the
 * source's prefix), then env entries in order (a value with its {@code $(VAR)} references
 * expanded against what is defined so far and the service variables; or a valueFrom:
 * configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef), then the service variables not
 * already set. A missing ConfigMap, Secret or key that is not optional throws
 * {@link CreateContainerConfigException} with upstream's message.
 */
public final class ContainerEnv {
    /** upstream's C_IDENTIFIER rule is relaxed since 1.34; kubej takes any printable name without '='. */
    private static final Pattern VALID_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    /** Where the cluster's own Service (kubernetes) lives. */
    static final String MASTER_NAMESPACE = "default";

    private final ConfigMapManager configMaps;
    private final SecretManager secrets;
    /** Every Service in the cluster (null until first read). */
    private final Supplier<List<Service>> services;
    private final Supplier<Map<String, Quantity>> nodeAllocatable;
    private final EventRecorder events;

    public ContainerEnv(ConfigMapManager configMaps, SecretManager secrets, Supplier<List<Service>> services,
            Supplier<Map<String, Quantity>> nodeAllocatable, EventRecorder events) {
        this.configMaps = configMaps;
        this.secrets = secrets;
        this.services = services;
        this.nodeAllocatable = nodeAllocatable;
        this.events = events;
    }

    /** name -> value, in the order the container gets them. */
    public Map<String, String> make(Pod pod, Container container, FieldPath.PodAddresses addresses) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> serviceEnv = new LinkedHashMap<>();
        ServiceEnv.fromServices(servicesFor(pod)).forEach(e -> serviceEnv.put(e.getKey(), e.getValue()));

        Map<String, String> env = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        for (EnvFromSource from : Objects.requireNonNullElse(container.getEnvFrom(), List.<EnvFromSource>of())) {
            String prefix = Objects.requireNonNullElse(from.getPrefix(), "");
            Map<String, String> data = new LinkedHashMap<>();
            if (from.getConfigMapRef() != null) {
                ConfigMap cm = configMaps.getConfigMap(ns, from.getConfigMapRef().getName());
                if (cm == null) {
                    if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                        continue;
                    }
                    throw new CreateContainerConfigException("configmap \"" + from.getConfigMapRef().getName() + "\" not found");
                }
                data.putAll(Objects.requireNonNullElse(cm.getData(), Map.of()));
            } else if (from.getSecretRef() != null) {
                Secret s = secrets.getSecret(ns, from.getSecretRef().getName());
                if (s == null) {
                    if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                        continue;
                    }
                    throw new CreateContainerConfigException("secret \"" + from.getSecretRef().getName() + "\" not found");
                }
                SecretManager.data(s).forEach((k, v) -> data.put(k, new String(v, StandardCharsets.UTF_8)));
            }
            data.forEach((k, v) -> {
                String name = prefix + k;
                if (VALID_NAME.matcher(name).matches()) {
                    env.put(name, v);
                } else {
                    invalid.add(name);
                }
            });
        }
        if (!invalid.isEmpty()) {
            events.event(pod, "Warning", "InvalidEnvironmentVariableNames",
                    "Keys [" + String.join(", ", invalid) + "] from the EnvFrom were skipped since they are invalid environment variable names.");
        }

        for (EnvVar e : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            String value;
            if (e.getValueFrom() == null) {
                String raw = Objects.requireNonNullElse(e.getValue(), "");
                value = Expansion.expand(raw, name -> env.containsKey(name) ? env.get(name) : serviceEnv.get(name));
            } else {
                value = valueFrom(pod, container, e.getValueFrom(), addresses);
                if (value == null) {
                    continue; // an optional source that is not there
                }
            }
            env.put(e.getName(), value);
        }
        serviceEnv.forEach(env::putIfAbsent);
        return env;
    }

    /**
     * The cluster's {@code kubernetes} Service always; the pod's namespace's Services when
     * enableServiceLinks is on (the default), a namespace Service winning over a same-named one.
     */
    private List<Service> servicesFor(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        boolean links = !Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks());
        List<Service> all = services.get();
        if (all == null) {
            throw new CreateContainerConfigException("services have not yet been read at least once, cannot construct envvars");
        }
        Map<String, Service> byName = new LinkedHashMap<>();
        for (Service s : all) {
            String name = s.getMetadata().getName();
            if (s.getMetadata().getNamespace().equals(MASTER_NAMESPACE) && name.equals("kubernetes")) {
                byName.putIfAbsent(name, s);
            } else if (s.getMetadata().getNamespace().equals(ns) && links) {
                byName.put(name, s);
            }
        }
        return new ArrayList<>(byName.values());
    }

    private String valueFrom(Pod pod, Container container, EnvVarSource from, FieldPath.PodAddresses addresses) {
        String ns = pod.getMetadata().getNamespace();
        if (from.getFieldRef() != null) {
            return FieldPath.extract(pod, from.getFieldRef().getFieldPath(), addresses);
        }
        if (from.getResourceFieldRef() != null) {
            return FieldPath.resource(pod, container.getName(), from.getResourceFieldRef(), nodeAllocatable);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            ConfigMap cm = configMaps.getConfigMap(ns, ref.getName());
            if (cm == null) {
                if (optional) {
                    return null;
                }
                throw new CreateContainerConfigException("configmap \"" + ref.getName() + "\" not found");
            }
            String v = cm.getData() == null ? null : cm.getData().get(ref.getKey());
            if (v == null && !optional) {
                throw new CreateContainerConfigException("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
            }
            return v;
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Secret s = secrets.getSecret(ns, ref.getName());
            if (s == null) {
                if (optional) {
                    return null;
                }
                throw new CreateContainerConfigException("secret \"" + ref.getName() + "\" not found");
            }
            byte[] v = SecretManager.data(s).get(ref.getKey());
            if (v == null && !optional) {
                throw new CreateContainerConfigException("couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
            }
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        }
        return null;
    }
}
