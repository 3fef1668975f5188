package dev.versionobserver.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * What can be checked of Dockerfile.jvm without a Docker engine, after the package phase built the fast-jar:
 * a pinned maintained base, a non-root user, every COPY source present, the port the manifests use.
 */
class DockerfileIT {

    private static final Path DOCKERFILE = Path.of("Dockerfile.jvm");

    private static List<String> instructions() throws Exception {
        return Files.readAllLines(DOCKERFILE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void baseImageIsAPinnedJreAndTheUserIsNotRoot() throws Exception {
        List<String> lines = instructions();
        String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
        assertThat(from).matches("FROM [\\w./-]+:[\\w.-]+").doesNotEndWith(":latest").contains("openjdk-21-runtime");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(Integer.parseInt(user.substring(5).strip())).isPositive();
        assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT "));
    }

    @Test
    void everyCopySourceExistsInTheFastJarLayout() throws Exception {
        Pattern copy = Pattern.compile("COPY (?:--chown=\\S+ )?(\\S+) (\\S+)");
        int copies = 0;
        for (String line : instructions()) {
            Matcher m = copy.matcher(line);
            if (m.matches()) {
                copies++;
                String source = m.group(1);
                if (source.contains("*")) {
                    Path dir = Path.of(source).getParent();
                    String glob = Path.of(source).getFileName().toString();
                    try (var files = Files.newDirectoryStream(dir, glob)) {
                        assertThat(files.iterator().hasNext()).as(source).isTrue();
                    }
                } else {
                    assertThat(Path.of(source)).as(source).isDirectory();
                }
            }
        }
        assertThat(copies).isEqualTo(4);
        assertThat(Path.of("target/quarkus-app/quarkus-run.jar")).exists();
        assertThat(instructions()).contains("ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
    }

    @Test
    void exposesThePortTheManifestsUse() throws Exception {
        assertThat(instructions()).contains("EXPOSE 8080");
        assertThat(Manifests.container(Manifests.plain()).getPorts().get(0).getContainerPort()).isEqualTo(8080);
    }
}
