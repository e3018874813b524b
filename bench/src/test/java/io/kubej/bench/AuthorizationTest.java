package io.kubej.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The authorization micro-benchmark runs, prints each case beside AlwaysAllow, and meets its budget. */
class AuthorizationTest {
    @Test
    void aThousandBindingsAddLessThanTheBudget() {
        PrintStream was = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            code = new CommandLine(new Authorization()).execute("--bindings", "1000", "-n", "20000");
        } finally {
            System.setOut(was);
        }
        String printed = out.toString();
        assertThat(printed).contains("user allowed by its RoleBinding").contains("kubelet reading pods (Node)")
                .contains("budget: < 200 µs added per request: met");
        assertThat(code).isZero();
    }
}
