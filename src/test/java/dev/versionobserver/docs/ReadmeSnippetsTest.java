package dev.versionobserver.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * What README "In your Quarkus app" tells users to copy is what EmbeddedAppIT's application really uses: the
 * dependency block, the tag and the properties. (The sidecar values are rendered by DeployManifestsTest.)
 */
class ReadmeSnippetsTest {

    private static final Path APP = Path.of("src/test/embedded-app");

    private static String section(String readme) {
        int start = readme.indexOf("### In your Quarkus app: one dependency");
        int end = readme.indexOf("### Beside any web server", start);
        assertThat(start).as("README has the section").isPositive();
        return readme.substring(start, end);
    }

    private static String block(String section, String language) {
        int start = section.indexOf("```" + language + "\n") + language.length() + 4;
        return section.substring(start, section.indexOf("```", start));
    }

    private static String normalized(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }

    @Test
    void theDependencyTagAndPropertiesUsersCopyAreTheEmbeddedAppsOwn() throws Exception {
        String section = section(Files.readString(Path.of("README.md")));
        String pom = Files.readString(APP.resolve("pom.xml"));
        String dependency = block(section, "xml").replace("<version>" + System.getProperty("vo.version")
                + "</version>", "<version>@vo.version@</version>");
        assertThat(normalized(pom)).contains(normalized(dependency));

        String template = Files.readString(APP.resolve("src/main/resources/templates/ShopResource/shop.html"));
        assertThat(block(section, "html")).contains("{#versionObserver /}");
        assertThat(template).contains("{#versionObserver /}");

        String properties = Files.readString(APP.resolve("src/main/resources/application.properties"));
        for (String line : block(section, "properties").lines().filter(l -> !l.isBlank()).toList()) {
            assertThat(properties).as("the embedded app's application.properties").contains(line);
        }
    }
}
