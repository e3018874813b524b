package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.kubej.kubelet.configmap.ConfigMapManager;
import io.kubej.kubelet.secret.SecretManager;
import io.kubej.kubelet.token.TokenManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * projected volumes (upstream pkg/volume/projected): Secrets, ConfigMaps, downward API fields and
 * a service-account token (TokenRequest bound to the pod, from the {@link TokenManager}, which
 * renews it before it expires) in one directory, on a tmpfs, written atomically. The API
 * server's ServiceAccount admission adds one ({@code kube-api-access-*}) to every pod.
 */
public final class ProjectedPlugin implements VolumePlugin {
    private final ConfigMapManager configMaps;
    private final SecretManager secrets;
    private final TokenManager tokens;
    private final Supplier<Map<String, Quantity>> nodeAllocatable;

    public ProjectedPlugin(ConfigMapManager configMaps, SecretManager secrets, TokenManager tokens,
            Supplier<Map<String, Quantity>> nodeAllocatable) {
        this.configMaps = configMaps;
        this.secrets = secrets;
        this.tokens = tokens;
        this.nodeAllocatable = nodeAllocatable;
    }

    @Override
    public String name() {
        return "kubernetes.io~projected";
    }

    @Override
    public boolean canSupport(Volume volume) {
        return volume.getProjected() != null;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public Path setUp(Pod pod, Volume volume, Path dir) throws IOException {
        var source = volume.getProjected();
        int mode = source.getDefaultMode() != null ? source.getDefaultMode() : Projections.DEFAULT_MODE;
        String ns = pod.getMetadata().getNamespace();
        Map<String, AtomicWriter.FileProjection> files = new LinkedHashMap<>();
        for (VolumeProjection p : source.getSources() == null ? List.<VolumeProjection>of() : source.getSources()) {
            if (p.getConfigMap() != null) {
                files.putAll(Projections.configMap(configMaps, ns, p.getConfigMap().getName(), p.getConfigMap().getItems(),
                        p.getConfigMap().getOptional(), mode));
            } else if (p.getSecret() != null) {
                files.putAll(Projections.secret(secrets, ns, p.getSecret().getName(), p.getSecret().getItems(),
                        p.getSecret().getOptional(), mode));
            } else if (p.getDownwardAPI() != null) {
                files.putAll(Projections.downwardApi(pod, p.getDownwardAPI().getItems(), mode, nodeAllocatable));
            } else if (p.getServiceAccountToken() != null) {
                var t = p.getServiceAccountToken();
                long expiration = t.getExpirationSeconds() != null ? t.getExpirationSeconds() : 3600;
                String token = tokens.getServiceAccountToken(pod, t.getAudience(), expiration);
                files.put(t.getPath(), new AtomicWriter.FileProjection(token.getBytes(StandardCharsets.UTF_8), mode));
            }
        }
        Tmpfs.ensureMounted(dir, 0);
        AtomicWriter.write(dir, files);
        return dir;
    }
}
