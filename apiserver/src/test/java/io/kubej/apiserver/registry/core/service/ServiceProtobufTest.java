package io.kubej.apiserver.registry.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoWriter;
import org.junit.jupiter.api.Test;

class ServiceProtobufTest {
    @Test
    void kubectlCreateServiceDecodesPortsWithNumericAndNamedTargetPorts() throws Exception {
        byte[] raw = ProtoWriter.of()
                .message(1, ProtoWriter.of().string(1, "web").entry(11, "app", "web"))
                .message(2, ProtoWriter.of()
                        .message(1, ProtoWriter.of().string(1, "80-8080").string(2, "TCP").int32(3, 80)
                                .message(4, ProtoWriter.of().int64(1, 0).int32(2, 8080).string(3, "")).int32(5, 0))
                        .message(1, ProtoWriter.of().string(1, "metrics").string(2, "TCP").int32(3, 9090)
                                .message(4, ProtoWriter.of().int64(1, 1).int32(2, 0).string(3, "http-metrics")))
                        .message(1, ProtoWriter.of().string(1, "same").string(2, "TCP").int32(3, 81)
                                .message(4, ProtoWriter.of().int64(1, 0).int32(2, 0).string(3, "")))
                        .entry(2, "app", "web").string(3, "").string(4, "ClusterIP").string(7, ""))
                .message(3, ProtoWriter.of())
                .bytes();
        JsonNode json = ServiceStrategy.PROTO.decoder().decode("v1", "Service", raw);
        assertThat(json).isEqualTo(Json.MAPPER.readTree("""
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
                 "spec": {"ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080},
                                    {"name": "metrics", "protocol": "TCP", "port": 9090, "targetPort": "http-metrics"},
                                    {"name": "same", "protocol": "TCP", "port": 81}],
                          "selector": {"app": "web"}, "type": "ClusterIP"},
                 "status": {}}
                """));
    }
}
