package dev.versionobserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.versionobserver.push.SocketClose;
import dev.versionobserver.support.ClientDefaults;

/**
 * The browser client as an npm package ({@code src/main/client}): a JavaScript build can import it by name (Node
 * resolves it through package.json's {@code exports}, as bundlers do), importing it has no side effect (no
 * {@code window} is touched outside a browser), and its TypeScript declarations name every export and every option
 * the module has, so they cannot drift apart unnoticed.
 */
class ClientPackageTest {

    private static final Path PACKAGE = Path.of("src/main/client");
    private final ObjectMapper json = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private Map<String, Object> importByName(Path project) throws IOException, InterruptedException {
        Path scope = Files.createDirectories(project.resolve("node_modules/@version-observer"));
        Files.createSymbolicLink(scope.resolve("client"), PACKAGE.toAbsolutePath());
        Path script = project.resolve("probe.mjs");
        Files.writeString(script, """
                import { createRequire } from 'node:module';
                const client = await import('@version-observer/client');
                const pkg = createRequire(import.meta.url)('@version-observer/client/package.json');
                console.log(JSON.stringify({
                  exports: Object.keys(client).sort(),
                  defaults: Object.keys(client.DEFAULTS).sort(),
                  defaultValues: client.DEFAULTS,
                  frozen: Object.isFrozen(client.DEFAULTS),
                  delay: client.backoffDelay(3, 500, 30000, () => 0.5),
                  capped: client.backoffDelay(40, 500, 30000, () => 0.999),
                  url: client.socketUrl({ protocol: 'https:', host: 'shop.example.com' }, '/version/ws', '1.0.0+b.1'),
                  version: pkg.version,
                }));
                """);
        Process node;
        try {
            node = new ProcessBuilder("node", script.toString()).directory(project.toFile())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("node is not installed: the package test needs Node.js (.ci/run "
                    + "installs Debian's nodejs where it is missing)", e);
        }
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(node.getInputStream().readAllBytes());
        assertThat(node.exitValue()).as(out).isZero();
        return json.readValue(out.lines().reduce((a, b) -> b).orElseThrow(), Map.class);
    }

    @Test
    void aBuildImportsThePackageByNameWithoutSideEffects(@TempDir Path project) throws Exception {
        Map<String, Object> probe = importByName(project);
        assertThat(probe.get("exports")).isEqualTo(List.of("DEFAULTS", "backoffDelay", "connect", "socketUrl"));
        assertThat(probe.get("frozen")).isEqualTo(true);
        assertThat(probe.get("delay")).isEqualTo(2000);
        assertThat(probe.get("capped")).isEqualTo(29970);
        assertThat(probe.get("url")).isEqualTo("wss://shop.example.com/version/ws?v=1.0.0%2Bb.1");
        assertThat(probe.get("version")).as("package.json follows the project version")
                .isEqualTo(System.getProperty("vo.version"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void simulatedPagesReadTheClientsOwnTimingsAndTheClientStopsOnTheServersBadVersionClose(@TempDir Path project)
            throws Exception {
        Map<String, Object> probe = importByName(project);
        Map<String, Object> evaluated = new java.util.TreeMap<>((Map<String, Object>) probe.get("defaultValues"));
        Map<String, Object> read = new java.util.TreeMap<>();
        ClientDefaults.read().forEach((k, v) -> read.put(k, v instanceof Long l ? Integer.valueOf(l.intValue()) : v));
        assertThat(read).as("SocketPage's reading of DEFAULTS equals Node's").isEqualTo(evaluated);

        String module = Files.readString(PACKAGE.resolve("index.js"));
        assertThat(module).as("client.js gives up on the server's bad-version close, and only on that")
                .contains("event.code === " + SocketClose.BAD_VERSION.code() + " && event.reason === '"
                        + SocketClose.BAD_VERSION.phrase() + "'");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTypeScriptDeclarationsNameEveryExportAndEveryOption(@TempDir Path project) throws Exception {
        Map<String, Object> probe = importByName(project);
        String declarations = Files.readString(PACKAGE.resolve("index.d.ts"));
        for (String name : (List<String>) probe.get("exports")) {
            assertThat(declarations).as("declared: " + name)
                    .containsPattern("export declare (const|function) " + name + "\\b");
        }
        String options = declarations.substring(declarations.indexOf("export interface VersionObserverOptions"),
                declarations.indexOf("export interface VersionObserverWindowOptions"));
        for (String option : (List<String>) probe.get("defaults")) {
            assertThat(options).as("option declared: " + option).containsPattern("\\b" + option + "\\?: ");
        }
        Map<String, Object> pkg = json.readValue(PACKAGE.resolve("package.json").toFile(), Map.class);
        assertThat(pkg).containsEntry("type", "module").containsEntry("types", "./index.d.ts");
        for (String file : (List<String>) pkg.get("files")) {
            assertThat(PACKAGE.resolve(file)).as("packed file exists").exists();
        }
    }
}
