package dev.versionobserver.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fast-jar laid out as Dockerfile.jvm lays it out in {@code /deployments}, in a directory of its own, with the
 * class archive trained by Dockerfile.jvm's own {@code RUN} line (on this JDK, in place of the image's). What the
 * image does with the build, short of a Docker engine: {@code DockerfileIT} proves the line works, the start-up
 * benchmark runs every stack with its archive.
 */
public record ImageDeployment(Path jar, Path archive) {

    /**
     * The JVM flags the image runs with but its class archive: UBI's run-java.sh defaults (ParallelGC and its
     * heap-shrinking settings) plus Dockerfile.jvm's JAVA_OPTS_APPEND, in a container of the chart's 384 MiB memory
     * limit (-XX:MaxRAM stands in for the cgroup limit). The image's JDK is 21; tests and benchmarks run their own.
     */
    public static final List<String> JVM_FLAGS = List.of("-XX:MaxRAM=384m", "-XX:MaxRAMPercentage=70",
            "-XX:+UseParallelGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:GCTimeRatio=4",
            "-XX:AdaptiveSizePolicyWeight=90", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager");

    private static final Path DOCKERFILE = Path.of("Dockerfile.jvm");
    private static final String DEPLOYMENTS = "/deployments";
    private static final String FAST_JAR = "target/quarkus-app";
    private static final Pattern COPY = Pattern.compile("COPY (?:--chown=\\S+ )?(\\S+) (\\S+)");
    private static final Pattern ARCHIVE_WRITTEN = Pattern.compile("-XX:ArchiveClassesAtExit=(\\S+)");
    /** The command's java: the first word "java" (after any VAR=value assignments). */
    private static final Pattern JAVA = Pattern.compile("(?:^|\\s)(java)\\s");
    private static final Pattern ARCHIVE_USED = Pattern.compile("-XX:SharedArchiveFile=([^\\s\"]+)");

    /** Dockerfile.jvm's instructions, continuation lines joined, comments and blank lines left out. */
    public static List<String> instructions() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder continued = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            if (text.endsWith("\\")) {
                continued.append(text, 0, text.length() - 1).append(' ');
            } else {
                instructions.add(continued.append(text).toString().replaceAll("\\s+", " "));
                continued.setLength(0);
            }
        }
        return instructions;
    }

    /** One COPY instruction: a path of the build context (may end in a glob) and where it goes in the image. */
    public record Copy(String source, String target) {
    }

    /** Dockerfile.jvm's COPY instructions, in order. */
    public static List<Copy> copies() throws IOException {
        List<Copy> copies = new ArrayList<>();
        for (String line : instructions()) {
            Matcher m = COPY.matcher(line);
            if (m.matches()) {
                copies.add(new Copy(m.group(1), m.group(2)));
            }
        }
        return copies;
    }

    /** The one {@code RUN} instruction's command: the class-archive training. */
    public static String trainingCommand() throws IOException {
        List<String> runs = instructions().stream().filter(l -> l.startsWith("RUN ")).toList();
        if (runs.size() != 1) {
            throw new IllegalStateException("Dockerfile.jvm should have one RUN (the class archive), has " + runs);
        }
        return runs.get(0).substring("RUN ".length()).strip();
    }

    /** Where the training writes the archive, in the image. */
    public static String archiveWritten() throws IOException {
        return archiveWrittenBy(trainingCommand());
    }

    private static String archiveWrittenBy(String command) {
        return group(ARCHIVE_WRITTEN, command, "RUN");
    }

    /** Where the image's JVM flags read the archive from. */
    public static String archiveUsed() throws IOException {
        String env = instructions().stream().filter(l -> l.startsWith("ENV JAVA_OPTS_APPEND=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("Dockerfile.jvm sets no JAVA_OPTS_APPEND"));
        return group(ARCHIVE_USED, env, "JAVA_OPTS_APPEND");
    }

    /**
     * Copies {@code fastJar}'s directory (a quarkus-app) into {@code root} by the image's COPY lines, then runs the
     * training command there with {@code sh}, as a Dockerfile RUN does, with this JDK's java. Fails with the output
     * (the RUN line's own: the application's log only when it died) if it does not exit 0 within 2 minutes or
     * leaves no archive, which the image would only warn about.
     */
    public static ImageDeployment of(Path fastJar, Path root) throws IOException, InterruptedException {
        copyAsTheImageDoes(fastJar.toAbsolutePath().getParent(), root);
        String command = trainingCommand().replace(DEPLOYMENTS, root.toAbsolutePath().toString());
        Path archive = Path.of(archiveWrittenBy(command));
        Matcher java = JAVA.matcher(command);
        if (!java.find()) {
            throw new IllegalStateException("the training command runs no java: " + command);
        }
        command = command.substring(0, java.start(1)) + ServiceProcess.javaBinary() + command.substring(java.end(1));
        Path log = Files.createTempFile("vo-cds-training-", ".log");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // As in a build: nothing of this machine's pod identity or API credentials (a developer's KUBECONFIG).
        builder.environment().keySet().removeIf(k -> k.startsWith("POD_") || k.startsWith("KUBERNETES_")
                || k.equals("KUBECONFIG") || k.equals("APP_VERSION"));
        Process training = builder.start();
        boolean exited = training.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            training.descendants().forEach(ProcessHandle::destroyForcibly);
            training.destroyForcibly();
        }
        if (!exited || training.exitValue() != 0 || !Files.isRegularFile(archive)) {
            throw new IllegalStateException("class archive training " + (exited ? "exited " + training.exitValue()
                    : "did not exit in 2 minutes") + ", archive " + (Files.exists(archive) ? "written" : "missing")
                    + ": " + command + "\n" + Files.readString(log));
        }
        return new ImageDeployment(root.resolve(fastJar.getFileName()), archive);
    }

    /** The classes in this deployment's archive, as the JVM lists them ({@code -XX:+PrintSharedArchiveAndExit}). */
    public List<String> archivedClasses() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ServiceProcess.javaBinary()));
        command.addAll(flags());
        command.addAll(List.of("-XX:+PrintSharedArchiveAndExit", "-jar", jar.toAbsolutePath().toString()));
        Process listing = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(listing.getInputStream().readAllBytes()).lines().toList();
        if (!listing.waitFor(1, TimeUnit.MINUTES)) {
            listing.destroyForcibly();
            throw new IllegalStateException("listing the class archive did not end in a minute");
        }
        return lines;
    }

    /** The image's JVM flags with this deployment's archive, as its JAVA_OPTS_APPEND names the image's. */
    public List<String> flags() {
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.add("-XX:SharedArchiveFile=" + archive);
        return flags;
    }

    private static String group(Pattern pattern, String line, String where) {
        Matcher m = pattern.matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("Dockerfile.jvm's " + where + " names no class archive: " + line);
        }
        return m.group(1);
    }

    /** Dockerfile.jvm's COPY lines, from {@code fastJarDir} in place of target/quarkus-app to {@code root}. */
    private static void copyAsTheImageDoes(Path fastJarDir, Path root) throws IOException {
        List<Copy> copies = copies();
        if (copies.isEmpty()) {
            throw new IllegalStateException("Dockerfile.jvm has no COPY");
        }
        for (Copy copy : copies) {
            if (!copy.source().startsWith(FAST_JAR + "/")) {
                throw new IllegalStateException("Dockerfile.jvm copies from outside " + FAST_JAR + ": " + copy);
            }
            Path source = fastJarDir.resolve(Path.of(FAST_JAR).relativize(Path.of(copy.source())).toString());
            Path target = Path.of(copy.target().replace(DEPLOYMENTS, root.toAbsolutePath().toString()));
            Files.createDirectories(target);
            if (source.getFileName().toString().contains("*")) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(source.getParent(),
                        source.getFileName().toString())) {
                    for (Path file : files) {
                        Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } else {
                copyTree(source, target);
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
