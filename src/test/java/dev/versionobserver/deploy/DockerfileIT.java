package dev.versionobserver.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.versionobserver.support.ImageDeployment;
import dev.versionobserver.support.ServiceProcess;

/**
 * What can be checked of Dockerfile.jvm without a Docker engine, after the package phase built the fast-jar:
 * a pinned maintained base, a non-root user, every COPY source present, the port the manifests use, and the class
 * archive: its RUN line, run on this JDK in a copy of the image's layout, writes an archive the image's JVM flags
 * read and this JVM maps.
 */
class DockerfileIT {

    @Test
    void baseImageIsAPinnedJreAndTheUserIsNotRoot() throws Exception {
        List<String> lines = ImageDeployment.instructions();
        String from = lines.stream().filter(l -> l.startsWith("FROM ")).findFirst().orElseThrow();
        assertThat(from).matches("FROM [\\w./-]+:[\\w.-]+").doesNotEndWith(":latest").contains("openjdk-21-runtime");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(Integer.parseInt(user.substring(5).strip())).isPositive();
        assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT "));
    }

    @Test
    void everyCopySourceExistsInTheFastJarLayout() throws Exception {
        List<ImageDeployment.Copy> copies = ImageDeployment.copies();
        for (ImageDeployment.Copy copy : copies) {
            String source = copy.source();
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
        assertThat(copies).hasSize(4);
        assertThat(Path.of("target/quarkus-app/quarkus-run.jar")).exists();
        assertThat(ImageDeployment.instructions()).contains("ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
    }

    @Test
    void exposesThePortTheManifestsUse() throws Exception {
        assertThat(ImageDeployment.instructions()).contains("EXPOSE 8080");
        assertThat(Manifests.container(Manifests.plain()).getPorts().get(0).getContainerPort()).isEqualTo(8080);
    }

    @Test
    void theRunLineWritesTheClassArchiveTheImageStartsWith(@TempDir Path deployments) throws Exception {
        assertThat(ImageDeployment.archiveUsed()).isEqualTo(ImageDeployment.archiveWritten());
        ImageDeployment image = ImageDeployment.of(ServiceProcess.JAR, deployments);
        // Trained in cluster mode, as the chart's pods run: the Kubernetes model they warm before ready is in it.
        assertThat(image.archivedClasses()).anyMatch(l -> l.contains(" io.fabric8.kubernetes.api.model.Endpoints "))
                .anyMatch(l -> l.contains(" dev.versionobserver.cluster.PeerWatcher "));
        // -Xshare:on: a JVM that cannot map the archive (other JDK, other class path) refuses to start, where the
        // image's -Xshare:auto would start without it.
        List<String> flags = new ArrayList<>(image.flags());
        flags.addAll(List.of("-Xshare:on", "-Xlog:class+load=info"));
        try (ServiceProcess service = ServiceProcess.start(image.jar(), "127.0.0.1", ServiceProcess.freePort(),
                Map.of(), flags)) {
            service.awaitReady(Duration.ofSeconds(60));
            List<String> fromArchive = service.output().lines()
                    .filter(l -> l.contains("source: shared objects file (top)")).toList();
            // The top layer holds what training loaded beyond the JDK's own archive: Quarkus, Vert.x, the app.
            assertThat(fromArchive).as("classes mapped from the image's archive").hasSizeGreaterThan(1000)
                    .anyMatch(l -> l.contains(" io.quarkus.")).anyMatch(l -> l.contains(" io.vertx."));
        }
    }
}
