package io.cpihost.bridge.process.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON mapper of the bridge. It writes compact JSON (no spaces, no newlines), which is
 * what the persistent line protocol needs and what simple CPIs may match on.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT =
            new TypeReference<>() {
            };

    private Json() {
    }

    /**
     * Serializes a value compactly.
     *
     * @throws IllegalArgumentException when the value is not JSON-compatible
     */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("A value cannot be written as JSON: " + e.getOriginalMessage() + ".", e);
        }
    }

    /**
     * Parses bytes into a tree.
     *
     * @throws IOException when they are not one JSON value
     */
    static JsonNode read(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /** A tree as plain Java values: Map, List, String, Number, Boolean or null. */
    static Object toJava(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : MAPPER.convertValue(node, Object.class);
    }

    /**
     * Parses a JSON object given in configuration.
     *
     * @param what the configuration key, for the message
     * @throws IllegalArgumentException naming the key when the text is not a JSON object
     */
    static Map<String, Object> parseObject(String what, String text) {
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(what + " '" + shorten(text, 100) + "' is not a JSON object.");
            }
            return MAPPER.convertValue(node, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + " '" + shorten(text, 100) + "' is not a JSON object: "
                    + e.getOriginalMessage() + ".", e);
        }
    }

    /**
     * The first bytes of untrusted output as printable text, for messages.
     *
     * @param bytes the output
     * @param max how many characters to keep
     */
    static String quote(byte[] bytes, int max) {
        int length = Math.min(bytes.length, max * 4);
        return shorten(new String(bytes, 0, length, StandardCharsets.UTF_8), max)
                + (bytes.length > length ? "..." : "");
    }

    /** A string cut to a length, with control characters escaped. */
    static String shorten(String text, int max) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (i < text.length()) {
            out.append("...");
        }
        return out.toString();
    }
}
