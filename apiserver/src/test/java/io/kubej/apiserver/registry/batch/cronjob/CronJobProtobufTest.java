package io.kubej.apiserver.registry.batch.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoWriter;
import org.junit.jupiter.api.Test;

/** CronJob and, inside its jobTemplate, the JobSpec that Job's own decoder shares. */
class CronJobProtobufTest {
    @Test
    void kubectlCreateCronJobDecodesScheduleJobTemplateAndPodTemplate() throws Exception {
        ProtoWriter container = ProtoWriter.of().string(1, "tick").string(2, "busybox").string(3, "date").string(5, "")
                .message(8, ProtoWriter.of().message(1, ProtoWriter.of().string(1, "cpu")
                        .message(2, ProtoWriter.of().string(1, "100m"))))
                .string(14, "");
        ProtoWriter podSpec = ProtoWriter.of().message(2, container).string(3, "OnFailure").string(6, "")
                .entry(7, "disk", "ssd").int64(4, 0);
        ProtoWriter jobSpec = ProtoWriter.of().message(6, ProtoWriter.of().message(1, ProtoWriter.of()).message(2, podSpec))
                .int32(7, 0);
        byte[] raw = ProtoWriter.of()
                .message(1, ProtoWriter.of().string(1, "tick").string(2, ""))
                .message(2, ProtoWriter.of().string(1, "*/1 * * * *").string(3, "")
                        .message(5, ProtoWriter.of().message(1, ProtoWriter.of().string(1, "tick")).message(2, jobSpec)))
                .message(3, ProtoWriter.of())
                .bytes();
        JsonNode json = CronJobs.PROTO.decoder().decode("batch/v1", "CronJob", raw);
        assertThat(json).isEqualTo(Json.MAPPER.readTree("""
                {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "tick"},
                 "spec": {"schedule": "*/1 * * * *",
                          "jobTemplate": {"metadata": {"name": "tick"},
                                          "spec": {"backoffLimit": 0,
                                                   "template": {"metadata": {},
                                                                "spec": {"containers": [{"name": "tick", "image": "busybox", "command": ["date"],
                                                                                         "resources": {"limits": {"cpu": "100m"}}}],
                                                                         "restartPolicy": "OnFailure", "nodeSelector": {"disk": "ssd"},
                                                                         "terminationGracePeriodSeconds": 0}}}}},
                 "status": {}}
                """));
    }
}
