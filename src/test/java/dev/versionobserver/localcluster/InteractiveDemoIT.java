package dev.versionobserver.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.versionobserver.support.Jcmd;

/**
 * The demo as a person runs it: pages open, the commands listed, commands that act on the cluster (a rollout
 * prompts the pages), then Ctrl-C, after which no process is left behind.
 */
class InteractiveDemoIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void commandsActOnTheClusterAndCtrlCLeavesNoProcessBehind() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LocalClusterMain.class.getName(), "--interactive", "--replicas", "2")
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // process gone
            }
        });
        reader.start();
        List<ProcessHandle> children = List.of();
        try {
            Writer in = new OutputStreamWriter(demo.getOutputStream(), StandardCharsets.UTF_8);
            // The command list is printed line by line after the pages open: wait for all of it, its last line
            // ("quit ... stop everything") included, rather than asserting on the lines that follow the first one seen.
            await().atMost(WAIT).untilAsserted(() -> assertThat(lines)
                    .anyMatch(l -> l.contains("published: 1.0.0"))
                    .anyMatch(l -> l.contains("page 3 open"))
                    .anyMatch(l -> l.contains("rollout VERSION"))
                    .anyMatch(l -> l.contains("kill-leader")).anyMatch(l -> l.contains("stop everything")));

            in.write("status\n");
            in.flush();
            await().atMost(WAIT).until(() -> lines.stream().filter(l -> l.contains("restarts=")).count() == 2);

            in.write("scale 3\n");
            in.write("bogus\n");
            in.flush();
            await().atMost(WAIT).untilAsserted(() -> assertThat(lines)
                    .anyMatch(l -> l.contains("converged on 1.0.0 (3 serving)"))
                    .anyMatch(l -> l.contains("unknown command: bogus")));

            in.write("rollout 2.0.0\n");
            in.flush();
            await().atMost(WAIT).until(() -> lines.stream().anyMatch(l -> l.contains("3/3 pages prompted, 3 prompts")));
            in.write("pages\n");
            in.flush();
            await().atMost(WAIT).until(() -> lines.stream().filter(l -> l.contains("prompted 1 time(s)")).count() == 3);

            children = demo.descendants().toList();
            assertThat(children).as("three service processes").hasSizeGreaterThanOrEqualTo(3);

            // Ctrl-C is SIGINT, unless the demo inherited SIGINT ignored: a background job of a non-interactive
            // shell ignores it (POSIX), e.g. `./mvnw verify &` in a script, and the JVM then installs no handler for
            // it. SIGTERM then drives the same shutdown hooks, which is what this test is about.
            String signal = ignoresSigint(demo.pid()) ? "TERM" : "INT";
            new ProcessBuilder("kill", "-" + signal, Long.toString(demo.pid())).start().waitFor(10, TimeUnit.SECONDS);
            boolean exited = demo.waitFor(60, TimeUnit.SECONDS);
            // What it was doing, if it was not done: its last lines and its threads, taken before it is destroyed.
            String hung = exited ? "" : Jcmd.run(demo.pid(), "Thread.print");
            List<String> seen = List.copyOf(lines);
            assertThat(exited).as(() -> "demo exits on SIG" + signal + " within 60 s; its last lines:\n"
                    + String.join("\n", seen.subList(Math.max(0, seen.size() - 40), seen.size()))
                    + "\nits threads:\n" + hung).isTrue();
            for (ProcessHandle child : children) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !child.isAlive());
            }
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    /** Whether the process ignores SIGINT (signal 2: bit 1 of the SigIgn mask in /proc/PID/status). */
    private static boolean ignoresSigint(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & 0b10) != 0;
            }
        }
        throw new IllegalStateException("no SigIgn line in /proc/" + pid + "/status");
    }
}
