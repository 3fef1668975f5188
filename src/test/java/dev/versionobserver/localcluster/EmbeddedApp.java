package dev.versionobserver.localcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Someone else's Quarkus application ({@code src/test/embedded-app}: its own page at {@code /}, its own REST
 * resource, the one dependency README tells users to add), built the way its owners would build it, against the
 * library jar this build just made ({@code target/version-observer-VERSION-library.jar}).
 *
 * <p>The library jar and its pom are installed into a repository of the build's own ({@code target/embedded-repo}),
 * which reads everything else from the user's local repository ({@code maven.repo.local.tail}, read-only): nothing
 * is written outside {@code target}.
 */
final class EmbeddedApp {

    private static final Path SOURCE = Path.of("src/test/embedded-app");
    private static final Path DIR = Path.of("target/embedded-app");
    private static final Path REPO = Path.of("target/embedded-repo");

    private EmbeddedApp() {
    }

    /** Builds the application; returns its fast-jar. */
    static Path build() throws IOException, InterruptedException {
        String version = required("vo.version");
        String quarkus = required("vo.quarkus.version");
        String userRepo = required("vo.localRepository");
        Path library = Path.of("target/version-observer-" + version + "-library.jar");
        if (!Files.exists(library)) {
            throw new IllegalStateException(library + " is missing: run the package phase first (./mvnw verify)");
        }
        delete(DIR);
        delete(REPO);
        copy(SOURCE, DIR);
        Path pom = DIR.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("@vo.version@", version)
                .replace("@quarkus.version@", quarkus));
        List<String> repos = List.of("-Dmaven.repo.local=" + REPO.toAbsolutePath(),
                "-Dmaven.repo.local.tail=" + userRepo);
        maven(repos, "install:install-file", "-Dfile=" + library.toAbsolutePath(),
                "-DpomFile=" + Path.of("pom.xml").toAbsolutePath(), "-Dclassifier=library");
        maven(repos, "-f", pom.toAbsolutePath().toString(), "package");
        return DIR.resolve("target/quarkus-app/quarkus-run.jar");
    }

    private static void maven(List<String> repos, String... goals) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B",
                "--no-transfer-progress"));
        command.addAll(repos);
        command.addAll(List.of(goals));
        Path log = DIR.resolve("build.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the embedded app's build took over 10 minutes: " + log);
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(String.join(" ", command) + " failed (" + log + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run through Maven "
                    + "(failsafe sets it, pom.xml)");
        }
        return value;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
