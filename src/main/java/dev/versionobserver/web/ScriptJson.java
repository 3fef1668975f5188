package dev.versionobserver.web;

import dev.versionobserver.json.JsonText;

/**
 * A JSON string that is safe inside an inline {@code <script>}: on top of JSON's own escaping, {@code <}, {@code >} and
 * {@code &} become {@code \\u003c} etc. (so no {@code </script>} or {@code <!--} can appear) and U+2028/U+2029
 * become escapes (they end a line in older JavaScript engines). Those characters only ever occur inside JSON
 * strings, where the escapes mean the same characters, so the value is unchanged.
 */
final class ScriptJson {

    private ScriptJson() {
    }

    static String encode(String value) {
        String json = JsonText.string(value);
        StringBuilder out = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
