package io.cpihost.bridge.nativelib.internal;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** JSON text to and from JSON-compatible Java values (Map, List, String, Number, Boolean, null). */
final class Json {

    // Trailing tokens fail: "{} x" is not one JSON value, and a component must answer one.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /**
     * Parses one JSON value.
     *
     * @throws JsonProcessingException when the text is not exactly one JSON value
     */
    static Object parse(String text) throws JsonProcessingException {
        return MAPPER.readValue(text, Object.class);
    }

    /**
     * Parses a JSON object.
     *
     * @throws IllegalArgumentException when the text is not a JSON object; the message says why
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) {
        Object value;
        try {
            value = parse(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("it is " + describe(value) + ", not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    /**
     * Writes a JSON-compatible value.
     *
     * @throws JsonProcessingException when the value holds something JSON cannot express
     */
    static String write(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsString(value);
    }

    /** The JSON type of a parsed value, with an article, for messages: "an array". */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        return value instanceof String ? "a string"
                : value instanceof Boolean ? "a boolean"
                : value instanceof Number ? "a number"
                : value instanceof Map ? "an object"
                : value instanceof java.util.List ? "an array" : value.getClass().getName();
    }

    /** A short, printable excerpt of untrusted text for messages. */
    static String excerpt(String text) {
        String flat = text.replaceAll("[\\p{Cntrl}]", " ");
        return flat.length() <= 80 ? flat : flat.substring(0, 80) + "...";
    }
}
