package io.kubej.apiserver.registry.apps.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoWriter;
import org.junit.jupiter.api.Test;

class DeploymentProtobufTest {
    /** A container as Go writes it: every non-pointer field, the empty ones too. */
    static ProtoWriter container(String name, String image) {
        return ProtoWriter.of().string(1, name).string(2, image).string(5, "")
                .message(8, ProtoWriter.of()).string(13, "").string(14, "").bool(16, false).bool(17, false).bool(18, false)
                .string(20, "");
    }

    /** A pod spec as Go writes it for a template kubectl builds: the zero scalars included. */
    static ProtoWriter podSpec(ProtoWriter... containers) {
        ProtoWriter spec = ProtoWriter.of();
        for (ProtoWriter c : containers) {
            spec.message(2, c);
        }
        return spec.string(3, "").string(6, "").string(8, "").string(9, "").string(10, "").bool(11, false)
                .bool(12, false).bool(13, false).string(16, "").string(17, "").string(19, "");
    }

    @Test
    void kubectlCreateDeploymentDecodesToTheJsonKubectlWouldSend() throws Exception {
        ProtoWriter labels = ProtoWriter.of().string(1, "").string(2, "").entry(11, "app", "nginx");
        byte[] raw = ProtoWriter.of()
                .message(1, ProtoWriter.of().string(1, "nginx").string(2, "").string(3, "").entry(11, "app", "nginx"))
                .message(2, ProtoWriter.of().int32(1, 2)
                        .message(2, ProtoWriter.of().entry(1, "app", "nginx"))
                        .message(3, ProtoWriter.of().message(1, labels)
                                .message(2, podSpec(container("nginx", "nginx:latest")
                                        .message(6, ProtoWriter.of().string(1, "").int32(2, 0).int32(3, 80).string(4, "").string(5, "")))))
                        .message(4, ProtoWriter.of().string(1, ""))
                        .int32(5, 0).bool(7, false))
                .message(3, ProtoWriter.of().int64(1, 0).int32(2, 0))
                .bytes();
        JsonNode json = Deployments.PROTO.decoder().decode("apps/v1", "Deployment", raw);
        assertThat(json).isEqualTo(Json.MAPPER.readTree("""
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
                 "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "nginx"}},
                          "template": {"metadata": {"labels": {"app": "nginx"}},
                                       "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "resources": {},
                                                                "ports": [{"containerPort": 80}]}]}},
                          "strategy": {}},
                 "status": {}}
                """));
    }

    @Test
    void pointerFieldsKeepAnExplicitZeroAndRollingUpdateTakesNumbersOrPercentages() throws Exception {
        byte[] raw = ProtoWriter.of()
                .message(1, ProtoWriter.of().string(1, "web"))
                .message(2, ProtoWriter.of().int32(1, 0)
                        .message(2, ProtoWriter.of().message(2, ProtoWriter.of().string(1, "tier").string(2, "In")
                                .string(3, "web").string(3, "api")))
                        .message(4, ProtoWriter.of().string(1, "RollingUpdate").message(2, ProtoWriter.of()
                                .message(1, ProtoWriter.of().int64(1, 0).int32(2, 1))
                                .message(2, ProtoWriter.of().int64(1, 1).string(3, "50%"))))
                        .int32(5, 5).int32(6, 0).bool(7, true).int32(9, 120))
                .bytes();
        JsonNode spec = Deployments.PROTO.decoder().decode("apps/v1", "Deployment", raw).get("spec");
        assertThat(spec).isEqualTo(Json.MAPPER.readTree("""
                {"replicas": 0,
                 "selector": {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}]},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "50%"}},
                 "minReadySeconds": 5, "revisionHistoryLimit": 0, "paused": true, "progressDeadlineSeconds": 120}
                """));
    }
}
