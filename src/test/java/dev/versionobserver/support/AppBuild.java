package dev.versionobserver.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds another Quarkus application from a template directory under {@code src/test} (the embedded app, the
 * benchmarks' naive baselines) the way its owners would: its own {@code pom.xml}, this repository's Maven wrapper.
 * The template is copied to a fresh directory under {@code target} and its {@code @quarkus.version@} and
 * {@code @vo.version@} filled in; the build log stays there.
 */
public final class AppBuild {

    private final Path dir;

    private AppBuild(Path dir) {
        this.dir = dir;
    }

    /** Copies {@code template} to {@code dir} (replacing what was there) with the two versions filled in. */
    public static AppBuild prepare(Path template, Path dir, String quarkusVersion, String voVersion)
            throws IOException {
        delete(dir);
        try (Stream<Path> files = Files.walk(template)) {
            for (Path file : files.toList()) {
                Path target = dir.resolve(template.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path pom = dir.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("@quarkus.version@", quarkusVersion)
                .replace("@vo.version@", voVersion == null ? "" : voVersion));
        return new AppBuild(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path pom() {
        return dir.resolve("pom.xml").toAbsolutePath();
    }

    /** The fast-jar {@code package} makes. */
    public Path jar() {
        return dir.resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** Runs this repository's Maven wrapper with these arguments (batch mode, no transfer log); 10 minutes at most. */
    public void maven(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B",
                "--no-transfer-progress"));
        command.addAll(arguments);
        Path log = dir.resolve("build.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the build of " + dir + " took over 10 minutes: " + log);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(String.join(" ", command) + " failed (" + log + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
    }

    /** Deletes a directory tree if it exists. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
