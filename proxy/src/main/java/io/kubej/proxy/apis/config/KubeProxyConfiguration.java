package io.kubej.proxy.apis.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code KubeProxyConfiguration} file ({@code kubeproxy.config.k8s.io/v1alpha1}) that
 * {@code --config} points to, with upstream's field names and defaults.
 *
 * <p>Only the fields kubej honours are here; others are tolerated and ignored (the reader
 * ignores unknown fields). Upstream: pkg/proxy/apis/config/types.go, defaults in
 * pkg/proxy/apis/config/v1alpha1/defaults.go.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class KubeProxyConfiguration {
    public String kind = "KubeProxyConfiguration";
    public String apiVersion = "kubeproxy.config.k8s.io/v1alpha1";
    public ClientConnection clientConnection = new ClientConnection();
    public String mode = "";
    public String clusterCIDR = "";
    public String bindAddress = "0.0.0.0";
    public String healthzBindAddress = "0.0.0.0:10256";
    public String metricsBindAddress = "127.0.0.1:10249";
    public String hostnameOverride = "";
    public List<String> nodePortAddresses = new ArrayList<>();
    public IptablesConfiguration iptables = new IptablesConfiguration();

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class ClientConnection {
        public String kubeconfig = "";
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class IptablesConfiguration {
        public Integer masqueradeBit = 14;
        public String syncPeriod = "30s";
        public String minSyncPeriod = "1s";
    }

    /** The proxy mode after defaulting: empty means iptables on Linux, as upstream. */
    public String effectiveMode() {
        return mode == null || mode.isBlank() ? "iptables" : mode;
    }
}
