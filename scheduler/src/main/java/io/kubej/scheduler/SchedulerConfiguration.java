package io.kubej.scheduler;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The parts of KubeSchedulerConfiguration (kubescheduler.config.k8s.io v1beta1..v1, as the
 * hard way's kube-scheduler.yaml) kubej reads. Other fields are tolerated and ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class SchedulerConfiguration {
    public String apiVersion;
    public String kind;
    public ClientConnection clientConnection = new ClientConnection();
    public LeaderElection leaderElection = new LeaderElection();
    public List<Profile> profiles;

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class ClientConnection {
        public String kubeconfig;
        public Double qps;
        public Integer burst;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class LeaderElection {
        public Boolean leaderElect;
        public String leaseDuration;
        public String renewDeadline;
        public String retryPeriod;
        public String resourceNamespace;
        public String resourceName;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Profile {
        public String schedulerName;
    }
}
