package io.kubej.testcluster.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubej.testcluster.HostCommands;
import io.kubej.testcluster.KubejHome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds kubej's test images as OCI image layouts from Debian packages and pushes them to the
 * node's {@link Registry}.
 *
 * <p>Why: no public registry is reachable, so {@code registry.k8s.io/pause:3.6} and
 * {@code sshsrv:v1} are made here: a recipe fills a root file system, which becomes one gzipped
 * layer; an image config, a manifest and {@code index.json} complete the OCI layout
 * (image-spec: content-addressed blobs named by sha256). {@code skopeo} pushes the layout.
 * Builds are cached by a hash of each recipe's inputs, so repeated builds are instant. The
 * human-readable recipes live in {@code images/} at the repository root.
 */
public final class Images {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long one build or push tool (tar, gcc, skopeo) may take before it is killed. */
    private static final Duration BUILD_TIMEOUT = Duration.ofSeconds(120);
    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

    /** Fills an image's root file system. */
    @FunctionalInterface
    public interface RootfsRecipe {
        void fill(Rootfs rootfs) throws IOException;
    }

    /**
     * One image: the repository and tag it is pushed as in the local registry (what the
     * containerd mirror serves for the name in manifests), its process config, the host files
     * whose content decides whether a cached build is still good, and how to fill its rootfs.
     */
    public record Recipe(String repository, String tag, List<String> entrypoint, List<String> env,
            List<Integer> tcpPorts, List<Path> inputs, RootfsRecipe rootfs) {
        /** e.g. {@code pause:3.6}, {@code library/sshsrv:v1}. */
        public String reference() {
            return repository + ":" + tag;
        }
    }

    private static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** The sandbox image: a static {@code pause} (images/pause/pause.c). */
    public static final Recipe PAUSE = new Recipe("pause", "3.6", List.of("/pause"), List.of(PATH_ENV), List.of(),
            List.of(Path.of("images/pause/pause.c")),
            root -> root.compileStatic(KubejHome.root().resolve("images/pause/pause.c"), "/pause"));

    /** {@code sshsrv:v1}: dropbear sshd + busybox (images/sshsrv/README.md). */
    public static final Recipe SSHSRV = new Recipe("library/sshsrv", "v1",
            List.of("/usr/sbin/dropbear", "-R", "-F", "-E", "-p", "22"), List.of(PATH_ENV), List.of(22),
            List.of(Path.of("/usr/sbin/dropbear"), Path.of("/bin/busybox")),
            root -> {
                root.busybox();
                root.copyWithLibraries(Path.of("/usr/sbin/dropbear"), "/usr/sbin/dropbear");
                root.file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", "rw-r--r--");
                root.file("/etc/group", "root:x:0:\n", "rw-r--r--");
                root.file("/etc/shells", "/bin/sh\n", "rw-r--r--");
                root.dir("/root", "rwx------");
                root.dir("/etc/dropbear", "rwx------");
                root.dir("/tmp", "rwxrwxrwt");
                root.dir("/var/run", "rwxr-xr-x");
                root.dir("/var/log", "rwxr-xr-x");
            });

    /** Every image a node's registry should hold for the walking skeleton. */
    public static final List<Recipe> ALL = List.of(PAUSE, SSHSRV);

    private final Path cacheDir;

    /** Builds into (and reuses) {@code cacheDir}. */
    public Images(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** The shared cache: {@code $KUBEJ_IMAGE_CACHE}, else {@code ~/.cache/kubej/images}. */
    public static Images inDefaultCache() {
        String configured = System.getenv("KUBEJ_IMAGE_CACHE");
        Path dir = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "kubej", "images");
        return new Images(dir);
    }

    /** Builds every image of {@link #ALL} (cached) and pushes it to {@code registry}. */
    public void pushAll(Registry registry) throws IOException {
        for (Recipe recipe : ALL) {
            push(recipe, registry);
        }
    }

    /** Builds {@code recipe} if needed and pushes it as {@code REGISTRY/repository:tag}. */
    public void push(Recipe recipe, Registry registry) throws IOException {
        Path layout = build(recipe);
        HostCommands.check(List.of("skopeo", "copy", "--insecure-policy", "--quiet", "--dest-tls-verify=false",
                "oci:" + layout + ":" + recipe.tag(),
                "docker://" + registry.hostPort() + "/" + recipe.reference()), BUILD_TIMEOUT);
    }

    /** Returns the OCI layout directory of {@code recipe}, building it unless already cached. */
    public Path build(Recipe recipe) throws IOException {
        Path target = cacheDir.resolve(recipe.repository().replace('/', '_') + "_" + recipe.tag() + "_" + cacheKey(recipe));
        if (Files.isRegularFile(target.resolve("index.json"))) {
            return target;
        }
        Files.createDirectories(cacheDir);
        // Build beside the target and rename at the end, so parallel builds never see half a layout.
        Path work = Files.createTempDirectory(cacheDir, ".build-");
        try {
            Path rootfs = Files.createDirectories(work.resolve("rootfs"));
            recipe.rootfs().fill(new Rootfs(rootfs));
            Path layout = work.resolve("layout");
            writeLayout(recipe, rootfs, work.resolve("layer.tar"), layout);
            try {
                Files.move(layout, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another build finished first; its layout is identical
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cache dir must be on one file system: " + cacheDir, e);
            }
            return target;
        } finally {
            deleteRecursively(work);
        }
    }

    /** A hash of everything that decides the image's content: its config and its host inputs. */
    private static String cacheKey(Recipe recipe) throws IOException {
        MessageDigest sha = sha256();
        sha.update((recipe.reference() + recipe.entrypoint() + recipe.env() + recipe.tcpPorts()).getBytes(StandardCharsets.UTF_8));
        for (Path input : recipe.inputs()) {
            Path file = input.isAbsolute() ? input : KubejHome.root().resolve(input);
            sha.update(Files.readAllBytes(file));
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    // ---- the OCI layout: layer, config, manifest, index ----

    private static void writeLayout(Recipe recipe, Path rootfs, Path tar, Path layout) throws IOException {
        // root-owned, sorted, fixed mtime: the layer (and its digest) is reproducible
        HostCommands.check(List.of("tar", "--create", "--file", tar.toString(), "--numeric-owner", "--owner=0", "--group=0",
                "--sort=name", "--mtime=@0", "--directory", rootfs.toString(), "."), BUILD_TIMEOUT);
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        String diffId = digestOf(tar);
        Path gz = layout.resolve("layer.tmp");
        try (InputStream in = Files.newInputStream(tar); OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            in.transferTo(out);
        }
        String layerDigest = digestOf(gz);
        long layerSize = Files.size(gz);
        Files.move(gz, blobs.resolve(hex(layerDigest)));

        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        ObjectNode process = config.putObject("config");
        process.set("Entrypoint", strings(recipe.entrypoint()));
        process.set("Env", strings(recipe.env()));
        process.put("WorkingDir", "/");
        if (!recipe.tcpPorts().isEmpty()) {
            ObjectNode ports = process.putObject("ExposedPorts");
            recipe.tcpPorts().forEach(p -> ports.putObject(p + "/tcp"));
        }
        ObjectNode rootfsNode = config.putObject("rootfs");
        rootfsNode.put("type", "layers");
        rootfsNode.putArray("diff_ids").add(diffId);
        ObjectNode configDesc = writeBlob(blobs, config, CONFIG_TYPE);

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.set("config", configDesc);
        ObjectNode layer = manifest.putArray("layers").addObject();
        layer.put("mediaType", LAYER_TYPE);
        layer.put("digest", layerDigest);
        layer.put("size", layerSize);
        ObjectNode manifestDesc = writeBlob(blobs, manifest, MANIFEST_TYPE);
        manifestDesc.putObject("annotations").put("org.opencontainers.image.ref.name", recipe.tag());

        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").add(manifestDesc);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        // index.json last: its presence marks a complete layout
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    private static ObjectNode writeBlob(Path blobs, ObjectNode json, String mediaType) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        String digest = "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
        Files.write(blobs.resolve(hex(digest)), bytes);
        ObjectNode desc = JSON.createObjectNode();
        desc.put("mediaType", mediaType);
        desc.put("digest", digest);
        desc.put("size", bytes.length);
        return desc;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static String digestOf(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The root file system being filled: paths are image paths ("/usr/sbin/dropbear"). */
    public static final class Rootfs {
        private final Path dir;

        Rootfs(Path dir) {
            this.dir = dir;
        }

        private Path at(String imagePath) throws IOException {
            Path p = dir.resolve(imagePath.replaceFirst("^/+", ""));
            Files.createDirectories(p.getParent());
            return p;
        }

        /** A directory with the given mode (e.g. {@code rwxrwxrwt} is not expressible: see below). */
        public void dir(String imagePath, String mode) throws IOException {
            Path p = at(imagePath);
            Files.createDirectories(p);
            if (mode.endsWith("t")) {
                // sticky bit (/tmp): POSIX permission sets cannot say it, chmod can
                HostCommands.check(List.of("chmod", "1777", p.toString()), BUILD_TIMEOUT);
            } else {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
            }
        }

        /** A text file with the given mode. */
        public void file(String imagePath, String content, String mode) throws IOException {
            Path p = at(imagePath);
            Files.writeString(p, content);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        }

        /** A copy of a host file (following symlinks) with the given mode. */
        public void copy(Path host, String imagePath, String mode) throws IOException {
            Path p = at(imagePath);
            Files.copy(host, p, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        }

        public void symlink(String imagePath, String target) throws IOException {
            Path p = at(imagePath);
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(p, Path.of(target));
            }
        }

        /** A dynamically linked host binary plus every shared library {@code ldd} lists, at the same paths. */
        public void copyWithLibraries(Path binary, String imagePath) throws IOException {
            copy(binary, imagePath, "rwxr-xr-x");
            Set<String> libs = new LinkedHashSet<>();
            for (String line : HostCommands.check(List.of("ldd", binary.toString()), BUILD_TIMEOUT).split("\n")) {
                // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
                String[] parts = line.trim().split("\\s+");
                for (String part : parts) {
                    if (part.startsWith("/")) {
                        libs.add(part);
                    }
                }
            }
            for (String lib : libs) {
                copy(Path.of(lib), lib, "rwxr-xr-x");
            }
        }

        /** Static busybox as {@code /bin/busybox} with {@code /bin/sh} and all its applets as symlinks. */
        public void busybox() throws IOException {
            copy(Path.of("/bin/busybox"), "/bin/busybox", "rwxr-xr-x");
            List<String> applets = new ArrayList<>(List.of("sh"));
            applets.addAll(List.of(HostCommands.check(List.of("/bin/busybox", "--list"), BUILD_TIMEOUT).split("\n")));
            for (String applet : applets) {
                if (!applet.isBlank() && !applet.equals("busybox")) {
                    symlink("/bin/" + applet.trim(), "busybox");
                }
            }
        }

        /** Compiles a C file with {@code gcc -static} into the image. */
        public void compileStatic(Path source, String imagePath) throws IOException {
            Path p = at(imagePath);
            HostCommands.check(List.of("gcc", "-static", "-Os", "-s", "-o", p.toString(), source.toString()), BUILD_TIMEOUT);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    static String randomSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
