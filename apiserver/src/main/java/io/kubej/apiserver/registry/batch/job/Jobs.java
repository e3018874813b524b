package io.kubej.apiserver.registry.batch.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.api.ProtobufBody;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.RESTStrategy;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.core.pod.PodProtobuf;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs (batch/v1, upstream {@code pkg/registry/batch/job/strategy.go}): unless the user asks
 * for {@code manualSelector}, the server generates the selector from the Job's uid and labels
 * the template with it ({@code batch.kubernetes.io/controller-uid}, {@code job-name}), so two
 * Jobs never claim each other's pods. Pods must not restart Always; parallelism and completions
 * default to 1, backoffLimit to 6. The selector and template are fixed once created.
 */
public final class Jobs implements RESTStrategy {
    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";

    /**
     * JobSpec in protobuf (upstream batch/v1 generated.proto), also a CronJob's jobTemplate.spec:
     * 1 parallelism, 2 completions, 3 activeDeadlineSeconds, 4 selector, 5 manualSelector,
     * 6 template, 7 backoffLimit, 8 ttlSecondsAfterFinished, 9 completionMode, 10 suspend.
     */
    public static final ProtoMessage JOB_SPEC = ProtoMessage.of().int32(1, "parallelism").keepZero()
            .int32(2, "completions").keepZero().int64(3, "activeDeadlineSeconds").keepZero()
            .message(4, "selector", ProtobufBody.LABEL_SELECTOR).bool(5, "manualSelector").keepZero()
            .message(6, "template", PodProtobuf.POD_TEMPLATE_SPEC).int32(7, "backoffLimit").keepZero()
            .int32(8, "ttlSecondsAfterFinished").keepZero().string(9, "completionMode").bool(10, "suspend").keepZero();

    /** What {@code kubectl create job} sends: 1 metadata, 2 spec, 3 status (empty on create). */
    static final ProtoMessage PROTO = ProtoMessage.of().objectMeta().message(2, "spec", JOB_SPEC).message(3, "status", ProtoMessage.of());

    public static Resource resource() {
        return Resource.builder("batch", "v1", "Job").categories("all").model(Job.class)
                .protobuf(PROTO.decoder())
                .strategy(new Jobs()).table(table())
                .patchMeta(PodPatchMeta.WORKLOAD).subresource(StatusSubresource.INSTANCE)
                .build();
    }

    @Override
    public void prepareForCreate(ObjectNode job) {
        job.remove("status");
        ObjectNode spec = Json.obj(job, "spec");
        if (!spec.path("manualSelector").asBoolean(false)) {
            generateSelector(job, spec);
        }
        defaults(job);
    }

    @Override
    public void prepareForUpdate(ObjectNode job, ObjectNode old) {
        defaults(job);
    }

    /** The selector upstream generates: the Job's own uid, with the same labels on the pod template. */
    private static void generateSelector(ObjectNode job, ObjectNode spec) {
        String uid = job.path("metadata").path("uid").asText();
        String name = job.path("metadata").path("name").asText();
        ObjectNode labels = Json.obj(Json.obj(Json.obj(spec, "template"), "metadata"), "labels");
        labels.put(CONTROLLER_UID, uid).put("controller-uid", uid).put(JOB_NAME, name).put("job-name", name);
        ObjectNode selector = spec.putObject("selector");
        selector.putObject("matchLabels").put(CONTROLLER_UID, uid);
    }

    static void defaults(ObjectNode job) {
        ObjectNode spec = Json.obj(job, "spec");
        // neither set: one pod to completion; only parallelism set: a work queue, completions stay unset
        if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
            spec.put("completions", 1);
        }
        WorkloadRules.putIfAbsent(spec, "parallelism", 1);
        WorkloadRules.putIfAbsent(spec, "backoffLimit", 6);
        WorkloadRules.putIfAbsent(spec, "completionMode", "NonIndexed");
        WorkloadRules.putIfAbsent(spec, "suspend", false);
        WorkloadRules.putIfAbsent(spec, "manualSelector", false);
        WorkloadRules.putIfAbsent(spec, "podReplacementPolicy", "TerminatingOrFailed");
        WorkloadRules.templateDefaults(job);
    }

    @Override
    public List<Cause> validate(ObjectNode job) {
        List<Cause> causes = new ArrayList<>(WorkloadRules.validateTemplateAndSelector(job));
        JsonNode spec = job.path("spec");
        String restart = spec.path("template").path("spec").path("restartPolicy").asText("");
        if (!restart.equals("OnFailure") && !restart.equals("Never")) {
            causes.add(Validation.notSupported("spec.template.spec.restartPolicy", restart, List.of("OnFailure", "Never")));
        }
        for (String f : new String[] {"parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished"}) {
            if (spec.has(f) && !spec.get(f).isNull() && spec.get(f).asLong() < 0) {
                causes.add(Validation.invalid("spec." + f, spec.get(f).asLong(), "must be greater than or equal to 0"));
            }
        }
        causes.addAll(Validation.oneOf(job, "spec.completionMode", List.of("NonIndexed", "Indexed")));
        return causes;
    }

    @Override
    public List<Cause> validateUpdate(ObjectNode job, ObjectNode old) {
        return Validation.immutableFields(job, old, "spec.selector", "spec.completionMode", "spec.template");
    }

    static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the job"),
                Column.of("Status", "string", "Complete, Failed, Suspended or Running"),
                Column.of("Completions", "string", "Succeeded pods of the desired completions"),
                Column.of("Duration", "string", "Time the job ran"),
                Column.of("Age", "string", "Time since creation"),
                Column.wide("Containers", "string", "Container names of the template"),
                Column.wide("Images", "string", "Images of the template"),
                Column.wide("Selector", "string", "Label selector of the pods")), (j, now) -> List.of(
                        TableConvertor.name(j), status(j),
                        j.path("status").path("succeeded").asLong(0) + "/" + (j.path("spec").has("completions")
                                ? j.path("spec").path("completions").asText() : "1"),
                        duration(j, now), TableConvertor.age(j, now),
                        WorkloadRules.containers(j, "name", "/spec/template"), WorkloadRules.containers(j, "image", "/spec/template"),
                        WorkloadRules.selector(j)));
    }

    private static String status(ObjectNode j) {
        for (JsonNode c : j.path("status").path("conditions")) {
            if (c.path("status").asText().equals("True")) {
                switch (c.path("type").asText()) {
                    case "Complete" -> { return "Complete"; }
                    case "Failed" -> { return "Failed"; }
                    case "Suspended" -> { return "Suspended"; }
                    default -> { }
                }
            }
        }
        return "Running";
    }

    private static String duration(ObjectNode j, Instant now) {
        String start = j.path("status").path("startTime").asText("");
        if (start.isEmpty()) {
            return "";
        }
        String end = j.path("status").path("completionTime").asText("");
        return TableConvertor.humanDuration(Duration.between(Instant.parse(start), end.isEmpty() ? now : Instant.parse(end)));
    }
}
