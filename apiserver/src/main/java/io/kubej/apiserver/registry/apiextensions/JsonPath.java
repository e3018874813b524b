package io.kubej.apiserver.registry.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of kubectl's JSONPath that printer columns use: {@code .a.b}, {@code .a[0]},
 * {@code .a[?(@.type=="Ready")].status}. Anything else evaluates to nothing.
 */
final class JsonPath {
    private static final Pattern STEP = Pattern.compile("\\.([^.\\[]+)|\\[(\\d+)]|\\[\\?\\(@\\.([^=]+)==[\"']([^\"']*)[\"']\\)]");

    private JsonPath() {
    }

    static JsonNode eval(JsonNode root, String path) {
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.startsWith("$")) {
            p = p.substring(1);
        }
        JsonNode at = root;
        Matcher m = STEP.matcher(p);
        int end = 0;
        while (m.find()) {
            if (m.start() != end || at == null) {
                return null;
            }
            end = m.end();
            if (m.group(1) != null) {
                at = at.get(m.group(1));
            } else if (m.group(2) != null) {
                at = at.get(Integer.parseInt(m.group(2)));
            } else {
                JsonNode found = null;
                for (JsonNode item : at) {
                    if (item.path(m.group(3)).asText().equals(m.group(4))) {
                        found = item;
                        break;
                    }
                }
                at = found;
            }
        }
        return end == p.length() ? at : null;
    }
}
