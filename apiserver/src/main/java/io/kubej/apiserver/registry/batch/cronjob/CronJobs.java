package io.kubej.apiserver.registry.batch.cronjob;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.kubej.apiserver.api.Json;
import io.kubej.apiserver.api.ProtoMessage;
import io.kubej.apiserver.api.StatusError.Cause;
import io.kubej.apiserver.registry.PatchMeta;
import io.kubej.apiserver.registry.Resource;
import io.kubej.apiserver.registry.SimpleStrategy;
import io.kubej.apiserver.registry.TableConvertor;
import io.kubej.apiserver.registry.TableConvertor.Column;
import io.kubej.apiserver.registry.Validation;
import io.kubej.apiserver.registry.apps.WorkloadRules;
import io.kubej.apiserver.registry.batch.job.Jobs;
import io.kubej.apiserver.registry.core.pod.PodPatchMeta;
import io.kubej.apiserver.registry.generic.StatusSubresource;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CronJobs (batch/v1, upstream {@code pkg/registry/batch/cronjob}): a schedule in cron syntax
 * (five fields, or a macro such as {@code @hourly}), concurrencyPolicy Allow, three successful
 * and one failed Job kept by default.
 */
public final class CronJobs {
    private static final Pattern FIELD = Pattern.compile("[0-9A-Za-z*/,?LW#-]+");
    private static final List<String> MACROS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");

    private CronJobs() {
    }

    /**
     * What {@code kubectl create cronjob} sends (upstream batch/v1 generated.proto): 1 metadata,
     * 2 spec {1 schedule, 2 startingDeadlineSeconds, 3 concurrencyPolicy, 4 suspend,
     * 5 jobTemplate {1 metadata, 2 spec}, 6 successfulJobsHistoryLimit, 7 failedJobsHistoryLimit,
     * 8 timeZone}, 3 status (empty on create).
     */
    static final ProtoMessage PROTO = ProtoMessage.of().objectMeta()
            .message(2, "spec", ProtoMessage.of().string(1, "schedule").int64(2, "startingDeadlineSeconds").keepZero()
                    .string(3, "concurrencyPolicy").bool(4, "suspend").keepZero()
                    .message(5, "jobTemplate", ProtoMessage.of().objectMeta().message(2, "spec", Jobs.JOB_SPEC))
                    .int32(6, "successfulJobsHistoryLimit").keepZero().int32(7, "failedJobsHistoryLimit").keepZero()
                    .string(8, "timeZone"))
            .message(3, "status", ProtoMessage.of());

    public static Resource resource() {
        PatchMeta jobTemplate = PatchMeta.fields().field("spec", PatchMeta.fields().field("template", PodPatchMeta.TEMPLATE).build()).build();
        return Resource.builder("batch", "v1", "CronJob").shortNames("cj").categories("all").model(CronJob.class)
                .nameRule(Validation.NameRule.DNS1123_SUBDOMAIN)
                .strategy(SimpleStrategy.builder()
                        .defaults(CronJobs::defaults)
                        .validate(CronJobs::validateSchedule)
                        .validate(o -> Validation.oneOf(o, "spec.concurrencyPolicy", List.of("Allow", "Forbid", "Replace")))
                        .validate(o -> Validation.requireField(o, "spec.jobTemplate.spec.template.spec.containers"))
                        .validate(o -> o.path("metadata").path("name").asText().length() > 52
                                ? List.of(Validation.invalid("metadata.name", o.path("metadata").path("name").asText(),
                                        "must be no more than 52 characters")) : List.of())
                        .build())
                .protobuf(PROTO.decoder())
                .table(table())
                .patchMeta(PatchMeta.object().field("spec", PatchMeta.fields().field("jobTemplate", jobTemplate).build()).build())
                .subresource(StatusSubresource.INSTANCE)
                .build();
    }

    static void defaults(ObjectNode cj) {
        ObjectNode spec = Json.obj(cj, "spec");
        WorkloadRules.putIfAbsent(spec, "concurrencyPolicy", "Allow");
        WorkloadRules.putIfAbsent(spec, "suspend", false);
        WorkloadRules.putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
        WorkloadRules.putIfAbsent(spec, "failedJobsHistoryLimit", 1);
        var podSpec = spec.path("jobTemplate").path("spec").path("template").get("spec");
        if (podSpec instanceof ObjectNode ps) {
            io.kubej.apiserver.registry.core.pod.PodStrategy.applyPodSpecDefaults(ps);
        }
    }

    static List<Cause> validateSchedule(ObjectNode cj) {
        String schedule = cj.path("spec").path("schedule").asText("").trim();
        if (schedule.isEmpty()) {
            return List.of(Validation.required("spec.schedule"));
        }
        String[] fields = schedule.replaceFirst("^(CRON_)?TZ=\\S+\\s+", "").split("\\s+");
        boolean ok = MACROS.contains(fields[0]) && fields.length == 1
                || fields.length == 5 && java.util.Arrays.stream(fields).allMatch(f -> FIELD.matcher(f).matches());
        return ok ? List.of() : List.of(Validation.invalid("spec.schedule", schedule, "unparseable cron expression"));
    }

    static TableConvertor table() {
        return TableConvertor.of(List.of(
                Column.name("Name of the cron job"),
                Column.of("Schedule", "string", "When jobs are created"),
                Column.of("Timezone", "string", "The time zone of the schedule"),
                Column.of("Suspend", "boolean", "Whether new jobs are held back"), // upstream prints the string True/False
                Column.of("Active", "integer", "Jobs running now"),
                Column.of("Last Schedule", "string", "When a job was last created"),
                Column.of("Age", "string", "Time since creation")), (c, now) -> {
                    String last = c.path("status").path("lastScheduleTime").asText("");
                    return List.of(TableConvertor.name(c), c.path("spec").path("schedule").asText(),
                            c.path("spec").path("timeZone").asText("<none>"), c.path("spec").path("suspend").asBoolean(false) ? "True" : "False",
                            (long) c.path("status").path("active").size(),
                            last.isEmpty() ? "<none>" : TableConvertor.humanDuration(java.time.Duration.between(java.time.Instant.parse(last), now)),
                            TableConvertor.age(c, now));
                });
    }
}
