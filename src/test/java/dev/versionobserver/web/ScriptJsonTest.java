package dev.versionobserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class ScriptJsonTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void neverLetsAStringCloseTheScriptElement() {
        String encoded = ScriptJson.encode("</script><script>alert(1)</script><!--");
        assertThat(encoded).doesNotContain("<").doesNotContain(">")
                .isEqualTo("\"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u003c!--\"");
    }

    @Test
    void escapesQuotesAmpersandsAndLineSeparators() {
        String encoded = ScriptJson.encode("a\"b'c&d\u2028e\u2029f\\g");
        assertThat(encoded).isEqualTo("\"a\\\"b'c\\u0026d\\u2028e\\u2029f\\\\g\"");
    }

    @Test
    void decodesBackToTheSameValue() throws Exception {
        String nasty = "</script>\u2028\"'&<!--";
        assertThat(mapper.readValue(ScriptJson.encode(nasty), String.class)).isEqualTo(nasty);
    }
}
