package io.kubej.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubej.kubelet.secret.SecretManager;
import java.io.IOException;
import java.nio.file.Path;

/** secret volumes (upstream pkg/volume/secret): on a tmpfs, never on the node's disk; rewritten atomically on change. */
public final class SecretPlugin implements VolumePlugin {
    private final SecretManager secrets;

    public SecretPlugin(SecretManager secrets) {
        this.secrets = secrets;
    }

    @Override
    public String name() {
        return "kubernetes.io~secret";
    }

    @Override
    public boolean canSupport(Volume volume) {
        return volume.getSecret() != null;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public Path setUp(Pod pod, Volume volume, Path dir) throws IOException {
        var source = volume.getSecret();
        int mode = source.getDefaultMode() != null ? source.getDefaultMode() : Projections.DEFAULT_MODE;
        var payload = Projections.secret(secrets, pod.getMetadata().getNamespace(), source.getSecretName(),
                source.getItems(), source.getOptional(), mode);
        Tmpfs.ensureMounted(dir, 0);
        AtomicWriter.write(dir, payload);
        return dir;
    }
}
