package io.kubej.apiserver.registry.batch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoWriter;
import org.junit.jupiter.api.Test;

class JobProtobufTest {
    @Test
    void kubectlCreateJobFromACronJobKeepsTheOwnerReferenceAndAnnotation() throws Exception {
        ProtoWriter owner = ProtoWriter.of().string(1, "CronJob").string(3, "tick").string(4, "uid-1").string(5, "batch/v1")
                .bool(6, true);
        ProtoWriter container = ProtoWriter.of().string(1, "hello").string(2, "busybox").string(3, "echo").string(3, "hi")
                .message(7, ProtoWriter.of().string(1, "GREETING").string(2, "hi"))
                .message(8, ProtoWriter.of()).string(13, "/dev/termination-log").string(14, "Always").string(20, "File");
        byte[] raw = ProtoWriter.of()
                .message(1, ProtoWriter.of().string(1, "tick-now").entry(12, "cronjob.kubernetes.io/instantiate", "manual")
                        .message(13, owner))
                .message(2, ProtoWriter.of().int32(1, 1).int32(2, 1).bool(10, false)
                        .message(6, ProtoWriter.of().message(1, ProtoWriter.of())
                                .message(2, ProtoWriter.of().message(2, container).string(3, "Never"))))
                .bytes();
        JsonNode json = Jobs.PROTO.decoder().decode("batch/v1", "Job", raw);
        assertThat(json).isEqualTo(Json.MAPPER.readTree("""
                {"apiVersion": "batch/v1", "kind": "Job",
                 "metadata": {"name": "tick-now", "annotations": {"cronjob.kubernetes.io/instantiate": "manual"},
                              "ownerReferences": [{"kind": "CronJob", "name": "tick", "uid": "uid-1", "apiVersion": "batch/v1",
                                                   "controller": true}]},
                 "spec": {"parallelism": 1, "completions": 1, "suspend": false,
                          "template": {"metadata": {},
                                       "spec": {"containers": [{"name": "hello", "image": "busybox", "command": ["echo", "hi"],
                                                                "env": [{"name": "GREETING", "value": "hi"}], "resources": {},
                                                                "terminationMessagePath": "/dev/termination-log",
                                                                "imagePullPolicy": "Always", "terminationMessagePolicy": "File"}],
                                                "restartPolicy": "Never"}}}}
                """));
    }
}
