package io.kubej.cmd.pki;

import io.kubej.cmd.Kubej;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kubej command line in-process, capturing what a user would see on stdout and stderr. */
record KubejRun(int exitCode, String out, String err) {
    static KubejRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Kubej.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new KubejRun(code, out.toString(), err.toString());
    }
}
