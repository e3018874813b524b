package io.kubej.apiserver.registry.core.pod;

import io.kubej.apiserver.api.ProtoMessage;

/**
 * The pod template in protobuf (field numbers of upstream's core/v1 generated.proto), shared by
 * every workload kind kubectl creates with its typed clients: {@code kubectl create deployment},
 * {@code create job}, {@code create cronjob}. It covers what those commands write and what a
 * stored template read back carries ({@code create job --from=cronjob/x} sends one); fields it
 * does not describe (volumes, probes, affinity, tolerations...) are skipped, so such templates
 * belong in a manifest ({@code kubectl create -f}), which is JSON.
 */
public final class PodProtobuf {
    private PodProtobuf() {
    }

    /** ContainerPort: 1 name, 2 hostPort, 3 containerPort, 4 protocol, 5 hostIP. */
    static final ProtoMessage CONTAINER_PORT = ProtoMessage.of().string(1, "name").int32(2, "hostPort").int32(3, "containerPort")
            .string(4, "protocol").string(5, "hostIP");

    /** EnvVar: 1 name, 2 value (3 valueFrom is not described). */
    static final ProtoMessage ENV_VAR = ProtoMessage.of().string(1, "name").string(2, "value");

    /** ResourceRequirements: 1 limits, 2 requests, each a map of Quantities. */
    static final ProtoMessage RESOURCES = ProtoMessage.of().quantityMap(1, "limits").quantityMap(2, "requests");

    /**
     * Container: 1 name, 2 image, 3 command, 4 args, 5 workingDir, 6 ports, 7 env, 8 resources,
     * 13 terminationMessagePath, 14 imagePullPolicy, 16 stdin, 17 stdinOnce, 18 tty,
     * 20 terminationMessagePolicy.
     */
    public static final ProtoMessage CONTAINER = ProtoMessage.of().string(1, "name").string(2, "image")
            .strings(3, "command").strings(4, "args").string(5, "workingDir")
            .messages(6, "ports", CONTAINER_PORT).messages(7, "env", ENV_VAR).message(8, "resources", RESOURCES)
            .string(13, "terminationMessagePath").string(14, "imagePullPolicy")
            .bool(16, "stdin").bool(17, "stdinOnce").bool(18, "tty").string(20, "terminationMessagePolicy");

    /** PodSecurityContext: 2 runAsUser, 3 runAsNonRoot, 5 fsGroup, 6 runAsGroup (all pointers). */
    static final ProtoMessage POD_SECURITY_CONTEXT = ProtoMessage.of().int64(2, "runAsUser").keepZero()
            .bool(3, "runAsNonRoot").keepZero().int64(5, "fsGroup").keepZero().int64(6, "runAsGroup").keepZero();

    /**
     * PodSpec: 2 containers, 20 initContainers, 3 restartPolicy, 4 terminationGracePeriodSeconds,
     * 5 activeDeadlineSeconds, 6 dnsPolicy, 7 nodeSelector, 8 serviceAccountName,
     * 9 serviceAccount, 10 nodeName, 11 hostNetwork, 12 hostPID, 13 hostIPC, 14 securityContext,
     * 16 hostname, 17 subdomain, 19 schedulerName, 21 automountServiceAccountToken,
     * 24 priorityClassName, 25 priority, 30 enableServiceLinks.
     */
    public static final ProtoMessage POD_SPEC = ProtoMessage.of()
            .messages(2, "containers", CONTAINER).messages(20, "initContainers", CONTAINER)
            .string(3, "restartPolicy").int64(4, "terminationGracePeriodSeconds").keepZero()
            .int64(5, "activeDeadlineSeconds").keepZero().string(6, "dnsPolicy").stringMap(7, "nodeSelector")
            .string(8, "serviceAccountName").string(9, "serviceAccount").string(10, "nodeName")
            .bool(11, "hostNetwork").bool(12, "hostPID").bool(13, "hostIPC").message(14, "securityContext", POD_SECURITY_CONTEXT)
            .string(16, "hostname").string(17, "subdomain").string(19, "schedulerName")
            .bool(21, "automountServiceAccountToken").keepZero().string(24, "priorityClassName")
            .int32(25, "priority").keepZero().bool(30, "enableServiceLinks").keepZero();

    /** PodTemplateSpec: 1 metadata, 2 spec. */
    public static final ProtoMessage POD_TEMPLATE_SPEC = ProtoMessage.of().objectMeta().message(2, "spec", POD_SPEC);
}
