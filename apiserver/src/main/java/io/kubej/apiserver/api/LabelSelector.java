package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code labelSelector} query (upstream apimachinery {@code pkg/labels}): requirements
 * joined by commas, all of which must hold: {@code k=v}, {@code k==v}, {@code k!=v},
 * {@code k in (a,b)}, {@code k notin (a,b)}, {@code k} (exists), {@code !k} (does not exist).
 */
public final class LabelSelector {
    private record Requirement(String key, String op, Set<String> values) {
        boolean matches(JsonNode labels) {
            JsonNode v = labels == null ? null : labels.get(key);
            String value = v == null ? null : v.asText();
            return switch (op) {
                case "exists" -> value != null;
                case "!" -> value == null;
                case "=", "in" -> value != null && values.contains(value);
                case "!=", "notin" -> value == null || !values.contains(value);
                default -> false;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public static LabelSelector everything() {
        return new LabelSelector(List.of());
    }

    public static LabelSelector parse(String s) {
        List<Requirement> reqs = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return new LabelSelector(reqs);
        }
        for (String term : splitTopLevel(s)) {
            String t = term.trim();
            if (t.isEmpty()) {
                continue;
            }
            reqs.add(parseTerm(t));
        }
        return new LabelSelector(reqs);
    }

    private static Requirement parseTerm(String t) {
        java.util.regex.Matcher set = java.util.regex.Pattern.compile("^(\\S+)\\s+(in|notin)\\s*\\((.*)\\)$").matcher(t);
        if (set.matches()) {
            Set<String> values = new java.util.HashSet<>();
            for (String v : set.group(3).split(",")) {
                values.add(v.trim());
            }
            return new Requirement(set.group(1), set.group(2), values);
        }
        if (t.startsWith("!")) {
            return new Requirement(t.substring(1).trim(), "!", Set.of());
        }
        for (String op : new String[] {"!=", "==", "="}) {
            int i = t.indexOf(op);
            if (i > 0) {
                return new Requirement(t.substring(0, i).trim(), op.equals("==") ? "=" : op, Set.of(t.substring(i + op.length()).trim()));
            }
        }
        if (t.matches("[A-Za-z0-9./_-]+")) {
            return new Requirement(t, "exists", Set.of());
        }
        throw StatusError.badRequest("unable to parse requirement: " + t);
    }

    /** Splits on commas outside parentheses ("a in (x,y),b" is two terms). */
    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    public boolean matches(JsonNode labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }
}
