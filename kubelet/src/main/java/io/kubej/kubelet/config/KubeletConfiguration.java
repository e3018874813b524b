package io.kubej.kubelet.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.component.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The kubelet's config file (kind KubeletConfiguration, kubelet.config.k8s.io/v1beta1), the
 * fields kubej reads, with upstream's defaults.
 *
 * <p>Why public fields: it is a plain data file decoded by Jackson (unknown fields tolerated,
 * see {@code ConfigFiles}); durations stay strings in Go's syntax ("15m", "10s") as in the file.
 */
public class KubeletConfiguration {
    public String podCIDR = "";
    public List<String> clusterDNS = new ArrayList<>();
    public String clusterDomain = "cluster.local";
    public String resolvConf = "/etc/resolv.conf";
    public String runtimeRequestTimeout = "2m";
    public String tlsCertFile;
    public String tlsPrivateKeyFile;
    public JsonNode authentication;
    public JsonNode authorization;
    public String address = "0.0.0.0";
    public int port = 10250;
    public int healthzPort = 10248;
    public String healthzBindAddress = "127.0.0.1";
    public String nodeStatusUpdateFrequency = "10s";
    public int nodeLeaseDurationSeconds = 40;
    public int maxPods = 110;
    /** How often pods are resynced even without API events (upstream syncFrequency is 1m; kubej relists faster). */
    public String syncFrequency = "5s";
    /** Where CRI writes container logs: <podLogsDir>/<ns>_<pod>_<uid>/<container>/<restart>.log. */
    public String podLogsDir = "/var/log/pods";

    /** A Go duration field ({@code 1h2m3s}, {@code 500ms}); unset is zero. */
    public static Duration goDuration(String text) {
        return GoDuration.parse(text, Duration.ZERO);
    }
}
