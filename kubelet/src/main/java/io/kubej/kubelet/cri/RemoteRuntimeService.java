package io.kubej.kubelet.cri;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.kubej.kubelet.cri.v1.*;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kubelet's client for the Container Runtime Interface: gRPC over the runtime's unix socket
 * (containerd's {@code --container-runtime-endpoint}), services {@code runtime.v1.RuntimeService}
 * and {@code runtime.v1.ImageService}.
 *
 * <p>Why a wrapper: every call gets the same deadline (KubeletConfiguration
 * runtimeRequestTimeout, upstream's remote runtime does the same), and teardown calls are made
 * idempotent by treating NotFound as done, as upstream's kuberuntime does.
 */
public final class RemoteRuntimeService implements AutoCloseable {
    private final ManagedChannel channel;
    private final EventLoopGroup eventLoop;
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private final ImageServiceGrpc.ImageServiceBlockingStub images;
    private final Duration timeout;

    /** Connects to {@code endpoint}, e.g. {@code unix:///run/containerd/containerd.sock}. */
    public RemoteRuntimeService(String endpoint, Duration timeout) {
        String path = endpoint.startsWith("unix://") ? endpoint.substring("unix://".length()) : endpoint;
        this.eventLoop = new EpollEventLoopGroup(1);
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(path))
                .eventLoopGroup(eventLoop)
                .channelType(EpollDomainSocketChannel.class)
                .overrideAuthority("localhost")
                .maxInboundMessageSize(16 * 1024 * 1024)
                .usePlaintext()
                .build();
        this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        this.images = ImageServiceGrpc.newBlockingStub(channel);
        this.timeout = timeout;
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
        return runtime.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ImageServiceGrpc.ImageServiceBlockingStub img() {
        return images.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    // ---- runtime ----

    public VersionResponse version() {
        return rt().version(VersionRequest.newBuilder().setVersion("v1").build());
    }

    public RuntimeStatus status() {
        return rt().status(StatusRequest.getDefaultInstance()).getStatus();
    }

    /** Whether the runtime reports both RuntimeReady and NetworkReady (what makes a node Ready). */
    public boolean isReady() {
        List<RuntimeCondition> conditions = status().getConditionsList();
        return conditions.stream().filter(c -> c.getType().equals("RuntimeReady") || c.getType().equals("NetworkReady"))
                .filter(RuntimeCondition::getStatus).count() == 2;
    }

    // ---- sandboxes ----

    public String runPodSandbox(PodSandboxConfig config) {
        return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    public PodSandboxStatus podSandboxStatus(String id) {
        return rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()).getStatus();
    }

    public List<PodSandbox> listPodSandbox(Map<String, String> labels) {
        return rt().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putAllLabelSelector(labels)).build()).getItemsList();
    }

    /** Stops the sandbox (its containers, then the pause process; CNI DEL runs). NotFound is success. */
    public void stopPodSandbox(String id) {
        ignoreNotFound(() -> rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
    }

    public void removePodSandbox(String id) {
        ignoreNotFound(() -> rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
    }

    // ---- containers ----

    public String createContainer(String sandboxId, ContainerConfig config, PodSandboxConfig sandboxConfig) {
        return rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId)
                .setConfig(config).setSandboxConfig(sandboxConfig).build()).getContainerId();
    }

    public void startContainer(String id) {
        rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    /** SIGTERM, then SIGKILL after {@code timeoutSeconds}; the deadline allows for the wait. */
    public void stopContainer(String id, long timeoutSeconds) {
        ignoreNotFound(() -> runtime.withDeadlineAfter(timeout.toMillis() + timeoutSeconds * 1000, TimeUnit.MILLISECONDS)
                .stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeoutSeconds).build()));
    }

    public void removeContainer(String id) {
        ignoreNotFound(() -> rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build()));
    }

    public List<Container> listContainers(Map<String, String> labels) {
        return rt().listContainers(ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().putAllLabelSelector(labels)).build()).getContainersList();
    }

    public ContainerStatus containerStatus(String id) {
        return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    // ---- images ----

    /** The image if present on the node, else null. */
    public Image imageStatus(String image) {
        ImageStatusResponse r = img().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build());
        return r.hasImage() ? r.getImage() : null;
    }

    /** Pulls {@code image}; returns its reference (the image ID), as CreateContainer should use. */
    public String pullImage(String image, PodSandboxConfig sandboxConfig) {
        return img().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                .setSandboxConfig(sandboxConfig).build()).getImageRef();
    }

    private static void ignoreNotFound(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
