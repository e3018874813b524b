package io.kubej.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How a resource prints in {@code kubectl get}: the server, not kubectl, renders the columns
 * (upstream: server-side printing, {@code pkg/printers/internalversion/printers.go}), and
 * kubectl shows whatever Table it receives.
 */
public interface TableConvertor {
    /** One column; priority 0 is always shown, 1 only with {@code -o wide}. */
    record Column(String name, String type, String format, String description, int priority) {
        public static Column of(String name, String type, String description) {
            return new Column(name, type, "", description, 0);
        }

        public static Column wide(String name, String type, String description) {
            return new Column(name, type, "", description, 1);
        }

        public static Column name(String description) {
            return new Column("Name", "string", "name", description, 0);
        }
    }

    List<Column> columns();

    /** What a kind without its own printer shows (upstream's default table): name and age. */
    TableConvertor DEFAULT = of(List.of(Column.name("Name must be unique within a namespace"),
            Column.of("Age", "string", "Time since creation")), (o, now) -> List.of(name(o), age(o, now)));

    /** A printer from its columns and a function computing one row's cells. */
    static TableConvertor of(List<Column> columns, java.util.function.BiFunction<ObjectNode, Instant, List<Object>> cells) {
        return new TableConvertor() {
            @Override
            public List<Column> columns() {
                return columns;
            }

            @Override
            public List<Object> cells(ObjectNode object, Instant now) {
                return cells.apply(object, now);
            }
        };
    }

    static String name(ObjectNode o) {
        return o.path("metadata").path("name").asText();
    }

    List<Object> cells(ObjectNode object, Instant now);

    /** Age as kubectl shows it (upstream {@code duration.HumanDuration}): 5s, 3m20s, 2d4h, 3y. */
    static String age(ObjectNode object, Instant now) {
        String ts = object.path("metadata").path("creationTimestamp").asText("");
        if (ts.isEmpty()) {
            return "<unknown>";
        }
        return humanDuration(Duration.between(Instant.parse(ts), now));
    }

    static String humanDuration(Duration d) {
        long s = d.getSeconds();
        if (s < -1) {
            return "<invalid>";
        }
        if (s < 0) {
            s = 0;
        }
        if (s < 120) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 10) {
            return (s % 60 == 0) ? m + "m" : m + "m" + (s % 60) + "s";
        }
        if (m < 180) {
            return m + "m";
        }
        long h = s / 3600;
        if (h < 8) {
            return (m % 60 == 0) ? h + "h" : h + "h" + (m % 60) + "m";
        }
        if (h < 48) {
            return h + "h";
        }
        if (h < 24 * 8) {
            return (h % 24 == 0) ? (h / 24) + "d" : (h / 24) + "d" + (h % 24) + "h";
        }
        if (h < 24 * 365 * 2) {
            return (h / 24) + "d";
        }
        if (h < 24 * 365 * 8) {
            long days = h / 24;
            return (days % 365 == 0) ? (days / 365) + "y" : (days / 365) + "y" + (days % 365) + "d";
        }
        return (h / 24 / 365) + "y";
    }
}
