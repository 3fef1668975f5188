package dev.versionobserver.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser client's {@code DEFAULTS} (its timings), read from the module the pods serve, so that simulated pages
 * ({@code SocketPage}) keep client.js' timings without a copy. ClientPackageTest holds this reading equal to what
 * Node evaluates, so a change of the object's shape fails there rather than reading wrong here.
 */
public final class ClientDefaults {

    /** The module as packaged: the resource the pods serve at /version-observer/index.js. */
    static final String MODULE = "/META-INF/resources/version-observer/index.js";
    private static final Pattern OBJECT = Pattern.compile(
            "export const DEFAULTS = Object\\.freeze\\(\\{(.*?)\\}\\);", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("^\\s*(\\w+): ('[^']*'|\\d+|true|false),\\s*$",
            Pattern.MULTILINE);

    private ClientDefaults() {
    }

    /** Every default: numbers as Long, booleans, strings. */
    public static Map<String, Object> read() {
        String source;
        try (InputStream in = ClientDefaults.class.getResourceAsStream(MODULE)) {
            if (in == null) {
                throw new IllegalStateException(MODULE + " is not on the classpath: run the build first");
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MODULE, e);
        }
        Matcher object = OBJECT.matcher(source);
        if (!object.find()) {
            throw new IllegalStateException(MODULE + " has no 'export const DEFAULTS = Object.freeze({...});'");
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        Matcher entry = ENTRY.matcher(object.group(1));
        while (entry.find()) {
            String value = entry.group(2);
            defaults.put(entry.group(1), value.startsWith("'") ? value.substring(1, value.length() - 1)
                    : value.equals("true") || value.equals("false") ? Boolean.valueOf(value) : Long.valueOf(value));
        }
        return defaults;
    }

    /** A timing option ({@code ...Ms}) of {@code defaults} (one {@link #read()}) as a Duration. */
    public static Duration millis(Map<String, Object> defaults, String option) {
        if (!(defaults.get(option) instanceof Long ms)) {
            throw new IllegalStateException("client DEFAULTS has no numeric " + option + ": " + defaults);
        }
        return Duration.ofMillis(ms);
    }
}
