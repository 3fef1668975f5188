package dev.versionobserver.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppVersionTest {

    @ParameterizedTest
    @CsvSource({
            "1.2.3, 1.2.3",
            "v1.2.3, 1.2.3",
            "1.2.3-rc.1+build.5, 1.2.3-rc.1+build.5",
            "0.0.1, 0.0.1",
            "10.20.30-alpha, 10.20.30-alpha" })
    void acceptsSemanticVersionsAndDropsThePrefix(String input, String canonical) {
        assertThat(AppVersion.parse(input)).hasToString(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = { "1.2", "latest", "1.2.3.4", "01.2.3", "1.2.3-</script>", "1.2.3-\u2028", "x1.2.3" })
    void rejectsAnythingElseNamingTheValue(String input) {
        assertThatThrownBy(() -> AppVersion.parse(input))
                .isInstanceOf(InvalidVersionException.class)
                .hasMessageContaining("not a semantic version");
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "   " })
    void rejectsEmptyValues(String input) {
        assertThatThrownBy(() -> AppVersion.parse(input)).hasMessageContaining("required");
    }

    @org.junit.jupiter.api.Test
    void rejectsOverlongValuesBeforeParsing() {
        String huge = "1.0.0-" + "a".repeat(10_000);
        assertThatThrownBy(() -> AppVersion.parse(huge))
                .hasMessageContaining("10006 characters long")
                .hasMessageContaining("at most 128");
    }

    @org.junit.jupiter.api.Test
    void errorMessagesShowControlCharactersEscaped() {
        assertThatThrownBy(() -> AppVersion.parse("1.0\n.0")).hasMessageContaining("'1.0\\u000a.0'");
    }

    @org.junit.jupiter.api.Test
    void tryParseReturnsNullForGarbage() {
        assertThat(AppVersion.tryParse("garbage")).isNull();
        assertThat(AppVersion.tryParse("2.0.0")).hasToString("2.0.0");
    }

    @org.junit.jupiter.api.Test
    void equalityIgnoresSpellingButNotBuildMetadata() {
        assertThat(AppVersion.parse("v1.2.3")).isEqualTo(AppVersion.parse("1.2.3"));
        assertThat(AppVersion.parse("1.2.3+a")).isNotEqualTo(AppVersion.parse("1.2.3+b"));
    }
}
