package io.kubej.kubelet.envvars;

import java.util.function.Function;

/**
 * {@code $(VAR)} references in env values, command and args (upstream
 * third_party/forked/golang/expansion): {@code $(NAME)} becomes the variable's value when it is
 * defined and stays as written when not; {@code $$} is a literal {@code $}; any other {@code $}
 * is kept.
 */
public final class Expansion {
    private Expansion() {
    }

    /** {@code lookup} returns null for an undefined name. */
    public static String expand(String input, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder(input.length());
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= input.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '(') {
                int close = input.indexOf(')', i + 2);
                if (close < 0) {
                    // no closing paren: kept as written
                    out.append(input, i, input.length());
                    break;
                }
                String name = input.substring(i + 2, close);
                String value = lookup.apply(name);
                out.append(value != null ? value : input.substring(i, close + 1));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
