package dev.versionobserver.localcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.versionobserver.support.AppBuild;

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
        String userRepo = required("vo.localRepository");
        Path library = Path.of("target/version-observer-" + version + "-library.jar");
        if (!Files.exists(library)) {
            throw new IllegalStateException(library + " is missing: run the package phase first (./mvnw verify)");
        }
        AppBuild.delete(REPO);
        AppBuild app = AppBuild.prepare(SOURCE, DIR, required("vo.quarkus.version"), version);
        List<String> repos = List.of("-Dmaven.repo.local=" + REPO.toAbsolutePath(),
                "-Dmaven.repo.local.tail=" + userRepo);
        app.maven(with(repos, "install:install-file", "-Dfile=" + library.toAbsolutePath(),
                "-DpomFile=" + Path.of("pom.xml").toAbsolutePath(), "-Dclassifier=library"));
        app.maven(with(repos, "-f", app.pom().toString(), "package"));
        return app.jar();
    }

    private static List<String> with(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run through Maven "
                    + "(failsafe sets it, pom.xml)");
        }
        return value;
    }
}
