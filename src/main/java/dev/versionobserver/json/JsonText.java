package dev.versionobserver.json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Small JSON texts through Jackson's streaming API ({@code jackson-core}) instead of an {@code ObjectMapper}.
 * Why: building the first {@code ObjectMapper} loads about 600 classes of {@code jackson-databind} (300-400 ms of
 * a 3-4 s start on two cores, BENCHMARKS.md 6b), and every text here is a flat object or one string known at
 * compile time, for which the streaming API is the same library without the data binding. Pages that map whole
 * records ({@code /status}) keep Quarkus' {@code ObjectMapper}, built when first used.
 */
public final class JsonText {

    /** Thread-safe once built and never reconfigured. */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Writes the fields of one object; a plain lambda over the generator. */
    @FunctionalInterface
    public interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private JsonText() {
    }

    /** {@code {...}} with the given fields, in the order written. */
    public static String object(Fields fields) {
        return write(json -> {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        });
    }

    /** One JSON string literal, quotes included ({@code null} gives {@code null}). */
    public static String string(String value) {
        return write(json -> json.writeString(value));
    }

    private static String write(Fields text) {
        StringWriter out = new StringWriter(96);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            text.write(json);
        } catch (IOException e) {
            // A StringWriter does not fail; only a writer's own bug (e.g. unbalanced output) gets here.
            throw new UncheckedIOException("cannot write JSON", e);
        }
        return out.toString();
    }

    /**
     * The string value of {@code field} in a top-level JSON object: empty when the text is not an object, lacks
     * the field, or holds something other than a string there (the last one wins if it repeats, as with a tree).
     *
     * @throws IOException when the object is not well-formed JSON, anywhere up to its closing brace
     */
    public static Optional<String> stringField(byte[] text, String field) throws IOException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Optional<String> found = Optional.empty();
            JsonToken token = parser.nextToken();
            for (; token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name)) {
                    found = value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                }
                parser.skipChildren();
            }
            if (token != JsonToken.END_OBJECT) {
                throw new JsonParseException(parser, "object not closed");
            }
            return found;
        }
    }
}
