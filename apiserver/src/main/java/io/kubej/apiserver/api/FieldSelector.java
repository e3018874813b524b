package io.kubej.apiserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code fieldSelector} query (upstream apimachinery {@code pkg/fields}): only
 * {@code =}, {@code ==} and {@code !=} on a few fields each resource declares
 * (metadata.name, spec.nodeName, status.phase, involvedObject.uid, ...).
 */
public final class FieldSelector {
    private record Term(String field, boolean equal, String value) {
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    public static FieldSelector everything() {
        return new FieldSelector(List.of());
    }

    public static FieldSelector parse(String s, Set<String> supported, String resource) {
        List<Term> terms = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return new FieldSelector(terms);
        }
        for (String t : s.split(",")) {
            String term = t.trim();
            if (term.isEmpty()) {
                continue;
            }
            boolean equal = !term.contains("!=");
            String[] kv = term.split(equal ? "==?" : "!=", 2);
            if (kv.length != 2) {
                throw StatusError.badRequest("invalid selector: '" + s + "'; can't understand '" + term + "'");
            }
            String field = kv[0].trim();
            if (!supported.contains(field)) {
                throw StatusError.badRequest("field label not supported: " + field);
            }
            terms.add(new Term(field, equal, kv[1].trim()));
        }
        return new FieldSelector(terms);
    }

    public boolean matches(JsonNode object) {
        for (Term t : terms) {
            boolean eq = Json.text(object, t.field()).equals(t.value());
            if (eq != t.equal()) {
                return false;
            }
        }
        return true;
    }

    /** The value required for field by an {@code =} term, or null (used to narrow watches). */
    public String required(String field) {
        for (Term t : terms) {
            if (t.equal() && t.field().equals(field)) {
                return t.value();
            }
        }
        return null;
    }
}
