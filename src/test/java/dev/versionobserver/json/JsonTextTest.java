package dev.versionobserver.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class JsonTextTest {

    @Test
    void writesFieldsInTheOrderGivenNullsIncluded() {
        String json = JsonText.object(j -> {
            j.writeStringField("b", "x\"y");
            j.writeNullField("a");
            j.writeNumberField("n", 1);
            j.writeBooleanField("t", true);
        });
        assertThat(json).isEqualTo("{\"b\":\"x\\\"y\",\"a\":null,\"n\":1,\"t\":true}");
    }

    @Test
    void writesAStringThatADataBindingMapperReadsBackUnchanged() throws Exception {
        String nasty = "\"\\\n\u0000\u2028é😀</script>";
        assertThat(new ObjectMapper().readValue(JsonText.string(nasty), String.class)).isEqualTo(nasty);
        assertThat(JsonText.string(null)).isEqualTo("null");
    }

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("{\"version\":\"1.2.3\",\"pod\":\"p\"}", Optional.of("1.2.3")),
                Arguments.of("{\"pod\":{\"version\":\"nested\"},\"version\":\"2.0.0\"}", Optional.of("2.0.0")),
                Arguments.of("{\"pod\":[1,{\"version\":\"x\"}]}", Optional.empty()),
                Arguments.of("{\"version\":1}", Optional.empty()),
                Arguments.of("{\"version\":null}", Optional.empty()),
                Arguments.of("{\"version\":\"1.0.0\",\"version\":\"2.0.0\"}", Optional.of("2.0.0")),
                Arguments.of("{}", Optional.empty()),
                Arguments.of("[\"version\"]", Optional.empty()),
                Arguments.of("\"1.0.0\"", Optional.empty()),
                Arguments.of("", Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("texts")
    void findsATopLevelStringFieldOnly(String text, Optional<String> expected) throws IOException {
        assertThat(JsonText.stringField(text.getBytes(UTF_8), "version")).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void rejectsAnObjectThatIsNotWellFormedEvenAfterTheField(String text) {
        assertThatThrownBy(() -> JsonText.stringField(text.getBytes(UTF_8), "version"))
                .isInstanceOf(IOException.class);
    }

    static Stream<String> malformed() {
        return Stream.of("{\"version\":\"1.0.0\"", "{\"version\":\"1.0.0\",", "{\"version\":\"1.0.0\", garbage}",
                "{version:\"1.0.0\"}", "{\"version\":\"1.0", "<html>", "{\"a\":[1,2}");
    }
}
