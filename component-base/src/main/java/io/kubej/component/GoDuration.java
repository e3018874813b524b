package io.kubej.component;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the upstream components take them, in flags and config files: Go's
 * {@code time.ParseDuration} syntax ({@code 500ms}, {@code 15s}, {@code 1h2m3s}, {@code 0}),
 * which config files carry as {@code metav1.Duration}.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {
    }

    /** Parses {@code text}; an empty or malformed duration is an IllegalArgumentException. */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        double nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            end = m.end();
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
        }
        if (end == 0 || end != s.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    /** Like {@link #parse(String)}, but an unset (null or blank) field means {@code ifUnset}. */
    public static Duration parse(String text, Duration ifUnset) {
        return text == null || text.isBlank() ? ifUnset : parse(text);
    }
}
