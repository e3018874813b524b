package io.kubej.apiserver.storage.value;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubej.apiserver.storage.ValueTransformer;
import io.kubej.apiserver.storage.value.PrefixTransformers.PrefixTransformer;
import io.kubej.apiserver.storage.value.ResourceTransformers.GroupResource;
import io.kubej.component.ConfigFiles;
import io.kubej.component.ConfigurationException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the {@code --encryption-provider-config} file, an EncryptionConfiguration
 * (apiserver.config.k8s.io/v1, upstream {@code encryptionconfig.LoadEncryptionConfig}), into
 * the transformer of each resource:
 *
 * <pre>
 * resources:
 *   - resources: [secrets]            # which resources this entry encrypts
 *     providers:                      # in order: the first writes, all read
 *       - aescbc:
 *           keys:                     # in order: the first writes, all read
 *             - name: key1
 *               secret: &lt;base64 of 16, 24 or 32 random bytes&gt;
 *       - identity: {}                # reads values stored before encryption was turned on
 * </pre>
 *
 * <p>Everything is checked before the API server starts anything: a file that is missing, does
 * not parse, names an unknown provider or holds a key of the wrong length stops the server with
 * one line naming the file and each problem (by its path in the file, as upstream's validation
 * names them). {@code kms} providers are refused: they need a KMS plugin kubej does not talk to.
 */
public final class EncryptionConfig {
    static final String API_VERSION = "apiserver.config.k8s.io/v1";
    static final String KIND = "EncryptionConfiguration";

    /** The key sizes each encrypting provider takes (AES-128/192/256; secretbox is XSalsa20 with a 256-bit key). */
    private static final Map<String, List<Integer>> KEY_SIZES = Map.of(
            "aescbc", List.of(16, 24, 32),
            "aesgcm", List.of(16, 24, 32),
            "secretbox", List.of(32));

    /** The cipher of one key of each encrypting provider. */
    private static final Map<String, Function<byte[], ValueTransformer>> CIPHERS = Map.of(
            "aescbc", AesCbcTransformer::new,
            "aesgcm", AesGcmTransformer::new,
            "secretbox", SecretboxTransformer::new);

    private EncryptionConfig() {
    }

    /**
     * The transformers the file describes.
     *
     * @throws ConfigurationException with one line naming the file and what is wrong in it
     */
    public static ResourceTransformers load(Path file) throws ConfigurationException {
        String source = "--encryption-provider-config " + file;
        JsonNode root = readYaml(file, source);
        List<String> problems = new ArrayList<>();
        List<ResourceTransformers.Entry> entries = parse(root, source, problems);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(source + ": " + String.join("; ", problems));
        }
        return new ResourceTransformers(entries, source + " does not list it");
    }

    private static JsonNode readYaml(Path file, String source) throws ConfigurationException {
        try {
            JsonNode root = ConfigFiles.YAML.readTree(Files.readString(file));
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new ConfigurationException(source + ": the file is empty");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ConfigurationException(source + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigurationException(source + ": permission denied");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigurationException(source + ": not valid YAML" + where + ": " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigurationException(source + ": cannot read it: " + oneLine(String.valueOf(e.getMessage())));
        }
    }

    /** Every {@code resources[]} entry, each problem added to problems by its path in the file. */
    static List<ResourceTransformers.Entry> parse(JsonNode root, String source, List<String> problems) {
        if (!root.isObject()) {
            problems.add("not an " + KIND + " (the file is not a YAML mapping)");
            return List.of();
        }
        if (!KIND.equals(root.path("kind").asText()) || !API_VERSION.equals(root.path("apiVersion").asText())) {
            problems.add("kind must be " + KIND + " and apiVersion " + API_VERSION + ", not kind \""
                    + root.path("kind").asText() + "\" apiVersion \"" + root.path("apiVersion").asText() + "\"");
        }
        JsonNode resources = root.path("resources");
        if (!resources.isArray() || resources.isEmpty()) {
            problems.add("resources: at least one entry is required");
            return List.of();
        }
        List<ResourceTransformers.Entry> entries = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            String path = "resources[" + i + "]";
            List<GroupResource> names = names(resources.get(i).path("resources"), path + ".resources", problems);
            List<PrefixTransformer> providers = providers(resources.get(i).path("providers"), path + ".providers", problems);
            if (!names.isEmpty() && !providers.isEmpty()) {
                String readers = "the providers for " + String.join(", ", names.stream().map(GroupResource::toString).toList()) + " in " + source;
                entries.add(new ResourceTransformers.Entry(names, new PrefixTransformers(providers, readers)));
            }
        }
        return entries;
    }

    /** The resource names of one entry, checked as upstream checks them. */
    private static List<GroupResource> names(JsonNode list, String path, List<String> problems) {
        if (!list.isArray() || list.isEmpty()) {
            problems.add(path + ": at least one resource is required");
            return List.of();
        }
        List<GroupResource> names = new ArrayList<>();
        for (int j = 0; j < list.size(); j++) {
            String name = list.get(j).asText();
            String at = path + "[" + j + "] \"" + name + "\"";
            GroupResource gr = GroupResource.parse(name);
            if (name.isEmpty() || !list.get(j).isTextual()) {
                problems.add(path + "[" + j + "]: must be a resource name such as secrets or deployments.apps");
            } else if (!name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
                problems.add(at + ": resource names are lower case (the plural, as kubectl api-resources shows it)");
            } else if (name.equals("*")) {
                problems.add(at + ": use *. for every resource of the core group or *.* for every resource");
            } else if (gr.group().equals("events.k8s.io")) {
                problems.add(at + ": events.k8s.io Events are stored as core Events; use events instead");
            } else if (gr.group().equals("*") && !gr.resource().equals("*")) {
                problems.add(at + ": a resource cannot be named across groups; name its group, or use *.*");
            } else if (names.contains(gr)) {
                problems.add(at + ": listed twice");
            } else {
                names.add(gr);
            }
        }
        if (overlaps(names)) {
            // secrets next to *. would never be looked at on its own: upstream refuses the overlap
            problems.add(path + ": a wildcard overlaps another name of the same list (*.* covers every name, *.group every name of its group)");
        }
        return names;
    }

    private static boolean overlaps(List<GroupResource> names) {
        for (GroupResource a : names) {
            for (GroupResource b : names) {
                boolean wildcard = a.resource().equals(GroupResource.ANY);
                if (a != b && wildcard && (a.group().equals(GroupResource.ANY) || a.group().equals(b.group()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The providers of one entry, flattened to one PrefixTransformer per key, in order. */
    private static List<PrefixTransformer> providers(JsonNode list, String path, List<String> problems) {
        if (!list.isArray() || list.isEmpty()) {
            problems.add(path + ": at least one provider is required (identity: {} stores values unencrypted)");
            return List.of();
        }
        List<PrefixTransformer> out = new ArrayList<>();
        for (int j = 0; j < list.size(); j++) {
            String at = path + "[" + j + "]";
            JsonNode element = list.get(j);
            if (!element.isObject() || element.size() != 1) {
                problems.add(at + ": each provider is its own list element with exactly one of aescbc, aesgcm, secretbox, identity");
                continue;
            }
            String type = element.fieldNames().next();
            JsonNode body = element.get(type);
            switch (type) {
                case "identity" -> {
                    if (!body.isObject() || !body.isEmpty()) {
                        problems.add(at + ".identity: must be {} (an empty mapping)");
                    } else {
                        out.add(PrefixTransformers.identity());
                    }
                }
                case "aescbc", "aesgcm", "secretbox" -> out.addAll(keys(type, body.path("keys"), at + "." + type + ".keys", problems));
                case "kms" -> problems.add(at + ".kms: KMS providers are not supported by kubej (they need a KMS plugin); "
                        + "use aescbc, aesgcm or secretbox");
                default -> problems.add(at + ": unknown provider \"" + type + "\"; expected aescbc, aesgcm, secretbox or identity");
            }
        }
        return out;
    }

    /** One PrefixTransformer per key of an encrypting provider: prefix {@code k8s:enc:<provider>:v1:<key name>:}. */
    private static List<PrefixTransformer> keys(String type, JsonNode keys, String path, List<String> problems) {
        if (!keys.isArray() || keys.isEmpty()) {
            problems.add(path + ": at least one key is required");
            return List.of();
        }
        List<PrefixTransformer> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < keys.size(); k++) {
            String at = path + "[" + k + "]";
            String name = keys.get(k).path("name").asText("");
            byte[] secret = secret(type, keys.get(k).path("secret").asText(""), at, problems);
            if (name.isEmpty()) {
                problems.add(at + ".name: every key needs a name (it is written before each value it encrypts)");
            } else if (name.contains(":")) {
                problems.add(at + ".name \"" + name + "\": must not contain ':' (it ends the key name in a stored value's prefix)");
            } else if (!seen.add(name)) {
                // a copied key entry that kept its name: the second one could never be chosen to read
                problems.add(at + ".name \"" + name + "\": used twice in this provider; key names must be unique");
            } else if (secret != null) {
                out.add(new PrefixTransformer(PrefixTransformers.ENCRYPTED + type + ":v1:" + name + ":",
                        type + " key \"" + name + "\"", CIPHERS.get(type).apply(secret)));
            }
        }
        return out;
    }

    /** The raw key, or null (with a problem added) when it is missing, not base64 or of the wrong length. Never echoes the secret. */
    private static byte[] secret(String type, String base64, String at, List<String> problems) {
        if (base64.isEmpty()) {
            problems.add(at + ".secret: every key needs a secret (the base64 of random bytes, e.g. head -c 32 /dev/urandom | base64)");
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            problems.add(at + ".secret: not valid base64");
            return null;
        }
        List<Integer> sizes = KEY_SIZES.get(type);
        if (!sizes.contains(raw.length)) {
            problems.add(at + ".secret: " + raw.length + " bytes once base64-decoded; " + type + " takes "
                    + (sizes.size() == 1 ? sizes.get(0) : "16, 24 or 32") + " bytes");
            return null;
        }
        return raw;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
