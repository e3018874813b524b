package io.kubej.apiserver.admission;

import java.util.List;

/** The enabled admission plugins in order (upstream {@code admission.chainAdmissionHandler}). */
public final class AdmissionChain implements AdmissionPlugin {
    private final List<AdmissionPlugin> plugins;

    public AdmissionChain(List<AdmissionPlugin> plugins) {
        this.plugins = List.copyOf(plugins);
    }

    @Override
    public void admit(Attributes attributes) {
        for (AdmissionPlugin p : plugins) {
            p.admit(attributes);
        }
    }
}
