package io.kubej.testcluster.cluster.delete;

import io.kubej.testcluster.KubejHome;
import io.kubej.testcluster.cluster.ClusterConfig;
import io.kubej.testcluster.HostCommands;
import io.kubej.testcluster.cluster.create.ClusterProcesses;
import io.kubej.testcluster.cluster.create.actions.ContainerdAction;
import io.kubej.testcluster.node.Containerd;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Removes everything {@code kubej up} made, in the reverse of the order it was made: first what
 * would recreate pods (controllers, scheduler, kubelet), then the pods' sandboxes (so CNI
 * releases their addresses and veths), the runtime, kube-proxy's iptables rules, the control
 * plane, the node's interfaces, and last the state directory. Safe to run again, or after a
 * bring-up that failed half way.
 */
public final class ClusterDeleter {

    public void delete(ClusterConfig c, PrintStream out) throws IOException {
        stop(c, out, "kube-controller-manager");
        stop(c, out, "kube-scheduler");
        stop(c, out, "kubelet");
        Containerd.Spec runtime = ContainerdAction.spec(c);
        if (ClusterProcesses.isRunning(c.runDir().resolve("containerd.pid"))) {
            // the kubelet removes its pods through CRI; this catches what a stopped kubelet left
            step(out, "removing leftover pods (containers, network namespaces, IP leases)");
            Containerd.removeLeftoverPods(runtime);
        }
        stop(c, out, "containerd");
        Containerd.cleanUpAfterStop(runtime, true);
        // containerd leaves overlay and shm mounts under its root and state
        int unmounted = Containerd.unmountUnder(c.dir().toAbsolutePath().normalize());
        if (unmounted > 0) {
            step(out, "unmounted " + unmounted + " runtime mounts under " + c.dir());
        }
        removePodCgroups(out);
        stop(c, out, "kube-proxy");
        step(out, "removing kube-proxy's iptables rules (kube-proxy --cleanup)");
        HostCommands.Result cleanup = HostCommands.run(KubejHome.launcher("kube-proxy").toString(), "--cleanup");
        if (!cleanup.ok()) {
            out.println("    warning: kube-proxy --cleanup failed: " + cleanup.output().strip());
        }
        stop(c, out, "kube-apiserver");
        stop(c, out, "etcd");
        stop(c, out, "registry");
        step(out, "removing the node's interface " + c.nodeInterface() + " (and the service CIDR route on it)");
        if (HostCommands.run("ip", "link", "show", c.nodeInterface()).ok()) {
            // a failure here must not stop the last step: the state directory would stay behind
            HostCommands.Result link = HostCommands.run("ip", "link", "delete", c.nodeInterface());
            if (!link.ok()) {
                out.println("    warning: could not delete " + c.nodeInterface() + ": " + link.output().strip());
            }
        }
        step(out, "removing " + c.dir());
        deleteTree(c.dir());
    }

    private static void stop(ClusterConfig c, PrintStream out, String name) throws IOException {
        Path pidFile = c.runDir().resolve(name + ".pid");
        if (ClusterProcesses.isRunning(pidFile)) {
            step(out, "stopping " + name);
            ClusterProcesses.stop(pidFile, Duration.ofSeconds(20));
        } else {
            Files.deleteIfExists(pidFile);
        }
    }

    /**
     * The kubelet puts pods under the {@code kubepods} cgroup (cgroupfs driver, one tree per v1
     * controller); the pods' own cgroups go with their containers, the QoS parents stay. Empty
     * cgroup directories are removed with rmdir, deepest first.
     */
    private static void removePodCgroups(PrintStream out) throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> dirs = new ArrayList<>();
        try (var controllers = Files.list(root)) {
            for (Path controller : controllers.toList()) {
                Path kubepods = controller.resolve("kubepods");
                if (Files.isDirectory(kubepods)) {
                    try (var tree = Files.walk(kubepods)) {
                        dirs.addAll(tree.filter(Files::isDirectory).toList());
                    }
                }
            }
        }
        Path direct = root.resolve("kubepods");
        if (Files.isDirectory(direct) && !dirs.contains(direct)) {
            try (var tree = Files.walk(direct)) {
                dirs.addAll(tree.filter(Files::isDirectory).toList());
            }
        }
        dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path d : dirs) {
            try {
                Files.deleteIfExists(d);
            } catch (IOException busy) {
                // a cgroup that still has processes stays; a later `kubej down` retries
            }
        }
        if (!dirs.isEmpty()) {
            step(out, "removed the kubepods cgroups");
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void step(PrintStream out, String what) {
        out.println("==> " + what);
        out.flush();
    }
}
