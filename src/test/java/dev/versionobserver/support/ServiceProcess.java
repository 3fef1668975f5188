package dev.versionobserver.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real service process started from the packaged fast-jar ({@code target/quarkus-app}), bound to a loopback
 * address, with its output in a log file. Used by integration tests and the local-cluster harness; callers must
 * {@link #close()} it (kills the process) in a finally/after hook. {@link #close()} fails the caller when the
 * process logged a Vert.x blocked-thread warning at any time: a stalled event loop is a defect even when the
 * test's own assertions happened to pass.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The packaged jar; {@code -Dvo.jar=PATH} runs another build's (benchmarks: before/after). */
    public static final Path JAR = Path.of(System.getProperty("vo.jar", "target/quarkus-app/quarkus-run.jar"));
    /** What Vert.x' BlockedThreadChecker logs ("Thread Thread[...] has been blocked for 2345 ms, ..."). */
    public static final String BLOCKED_THREAD = "has been blocked for";
    /**
     * Small heap ({@code -Dvo.heap}, read at each start), SerialGC, C1 only: many processes on two cores.
     * {@code -Dvo.jvmFlags="..."} (space-separated) replaces them, e.g. to run a benchmark's pods and baselines alike
     * with the image's flags.
     */
    private static List<String> harnessFlags() {
        String flags = System.getProperty("vo.jvmFlags", "");
        if (!flags.isBlank()) {
            return List.of(flags.strip().split("\\s+"));
        }
        return List.of("-Xmx" + System.getProperty("vo.heap", "128m"), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    }

    private final Process process;
    private final String host;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, String host, int port, Path log) {
        this.process = process;
        this.host = host;
        this.port = port;
        this.log = log;
    }

    /** Starts the service with the given environment on {@code host:port}; does not wait for readiness. */
    public static ServiceProcess start(String host, int port, Map<String, String> env) throws IOException {
        return start(JAR, host, port, env, harnessFlags());
    }

    /** The same with the given JVM flags instead of the harness's (small heap, SerialGC, C1 only). */
    public static ServiceProcess start(String host, int port, Map<String, String> env, List<String> jvmFlags)
            throws IOException {
        return start(JAR, host, port, env, jvmFlags);
    }

    /** Another Quarkus application's fast-jar (one that embeds the library jar), with the harness's JVM flags. */
    public static ServiceProcess start(Path jar, String host, int port, Map<String, String> env) throws IOException {
        return start(jar, host, port, env, harnessFlags());
    }

    /** Any fast-jar with the given JVM flags. */
    public static ServiceProcess start(Path jar, String host, int port, Map<String, String> env,
            List<String> jvmFlags) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the package phase first (./mvnw verify)");
        }
        Path log = Files.createTempFile("vo-" + host + "-" + port + "-", ".log");
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmFlags);
        command.addAll(List.of("-Dquarkus.http.host=" + host, "-Dquarkus.http.port=" + port,
                "-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> k.startsWith("POD_") || k.equals("APP_VERSION") || k.equals("KUBECONFIG"));
        environment.putAll(env);
        return new ServiceProcess(builder.start(), host, port, log);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public ServiceProcess awaitReady(Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + ":\n" + output());
            }
            return httpStatus("/q/health/ready") == 200;
        });
        return this;
    }

    public int httpStatus(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl() + path).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://" + host + ":" + port;
    }

    public URI socketUri(String version) {
        return URI.create("ws://" + host + ":" + port + "/version/ws?v=" + version);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM, as the kubelet sends it; returns the exit code. */
    public int terminate(Duration within) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** Sends SIGTERM without waiting. */
    public void signalTerm() {
        process.destroy();
    }

    /** SIGKILL: a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit by itself; returns its exit code. */
    public int awaitExit(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service still running after " + within + ":\n" + output());
        }
        return process.exitValue();
    }

    public static Map<String, String> env(String... keyValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    /** The blocked-thread warnings this process logged so far, each with the line after it (the thread's stack). */
    public List<String> blockedThreadWarnings() {
        List<String> warnings = new ArrayList<>();
        List<String> lines = output().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(BLOCKED_THREAD)) {
                warnings.add(lines.get(i) + (i + 1 < lines.size() ? "\n    " + lines.get(i + 1) : ""));
            }
        }
        return warnings;
    }

    /**
     * Kills the process if it still runs, then throws if it logged a blocked-thread warning (the log is kept and
     * named then); otherwise deletes its log.
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
        List<String> blocked = blockedThreadWarnings();
        if (!blocked.isEmpty()) {
            throw new AssertionError("service " + baseUrl() + " logged " + blocked.size()
                    + " Vert.x blocked-thread warning(s) (log kept at " + log + "):\n" + String.join("\n", blocked));
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file; nothing depends on it
        }
    }
}
