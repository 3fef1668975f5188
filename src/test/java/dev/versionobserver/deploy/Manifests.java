package dev.versionobserver.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Loads the deployment files as typed objects: k8s/ as written, the chart as Helm renders it offline. */
final class Manifests {

    static final Path CHART = Path.of("helm", "version-observer");
    static final Path PLAIN = Path.of("k8s");

    private Manifests() {
    }

    static List<HasMetadata> plain() {
        try (Stream<Path> files = Files.list(PLAIN)) {
            List<HasMetadata> out = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    out.addAll(parse(Files.readString(file)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> render(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName("version-observer").withNamespace("apps")
                .withKubeVersion("1.32.0");
        values.forEach(template::set);
        return parse(template.call());
    }

    /** Renders with a values file, for values --set cannot express (string numbers, keys with dots, lists). */
    static List<HasMetadata> renderWithValues(String valuesYaml) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("values", ".yaml");
            try {
                java.nio.file.Files.writeString(file, valuesYaml);
                return parse(new Helm(CHART).template().withName("version-observer").withNamespace("apps")
                        .withKubeVersion("1.32.0").withValuesFile(file).call());
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            String body = doc.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
            if (!body.isBlank()) {
                out.add(Serialization.unmarshal(body, HasMetadata.class));
            }
        }
        return out;
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind) {
        List<T> matches = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        if (matches.size() != 1) {
            throw new AssertionError("expected one " + kind.getSimpleName() + ", found " + matches.size());
        }
        return matches.get(0);
    }

    static <T extends HasMetadata> Optional<T> maybe(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    static io.fabric8.kubernetes.api.model.Container container(List<HasMetadata> objects) {
        return one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String asYaml(HasMetadata object) {
        return io.fabric8.kubernetes.client.utils.Serialization.asYaml(object);
    }
}
