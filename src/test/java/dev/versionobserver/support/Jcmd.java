package dev.versionobserver.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the JDK's {@code jcmd} (of the JVM running the tests) against another Java process. */
public final class Jcmd {

    private Jcmd() {
    }

    /** {@code jcmd PID command...}; returns what it printed once it has exited. */
    public static String run(long pid, String... command) throws IOException, InterruptedException {
        String[] line = new String[command.length + 2];
        line[0] = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        line[1] = Long.toString(pid);
        System.arraycopy(command, 0, line, 2, command.length);
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        // Read to the end before waiting: a large output (a thread dump, a histogram) would otherwise fill the pipe.
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return output;
    }
}
