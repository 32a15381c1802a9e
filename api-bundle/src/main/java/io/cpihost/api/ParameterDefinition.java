package io.cpihost.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One named parameter of an action.
 *
 * @param name the parameter name, as callers pass it
 * @param type the JSON type a value must have
 * @param required whether the caller must pass the parameter
 * @param nullable whether {@code null} is an acceptable value
 * @param description one sentence for people
 */
public record ParameterDefinition(String name, Type type, boolean required, boolean nullable,
        String description) {

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException when the name is blank or the type missing
     */
    public ParameterDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A parameter needs a non-blank name.");
        }
        Objects.requireNonNull(type, () -> "Parameter '" + name + "' needs a type.");
        description = description == null ? "" : description;
    }

    /**
     * A required, non-nullable parameter.
     *
     * @param name the name
     * @param type the type
     * @param description the description
     * @return the definition
     */
    public static ParameterDefinition required(String name, Type type, String description) {
        return new ParameterDefinition(name, type, true, false, description);
    }

    /**
     * An optional parameter that may also be passed as {@code null}.
     *
     * @param name the name
     * @param type the type
     * @param description the description
     * @return the definition
     */
    public static ParameterDefinition optional(String name, Type type, String description) {
        return new ParameterDefinition(name, type, false, true, description);
    }

    /** JSON value types. */
    public enum Type {
        /** A {@link String}. */
        STRING("a string"),
        /** An integral {@link Number}. */
        INTEGER("an integer"),
        /** Any {@link Number}. */
        NUMBER("a number"),
        /** A {@link Boolean}. */
        BOOLEAN("a boolean"),
        /** A {@link Map} with string keys (a JSON object). */
        OBJECT("an object"),
        /** A {@link List} (a JSON array). */
        ARRAY("an array"),
        /** Any JSON value. */
        ANY("any value");

        private final String article;

        Type(String article) {
            this.article = article;
        }

        /**
         * The type with an article, for messages: "an integer".
         *
         * @return the phrase
         */
        public String phrase() {
            return article;
        }

        /**
         * The lower-case name used in JSON definitions: {@code "integer"}.
         *
         * @return the JSON name
         */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * Parses a JSON type name such as {@code "integer"}.
         *
         * @param json the name, case-insensitive
         * @return the type
         * @throws IllegalArgumentException when the name is not a known type
         */
        public static Type fromJson(String json) {
            if (json != null) {
                for (Type type : values()) {
                    if (type.jsonName().equalsIgnoreCase(json.trim())) {
                        return type;
                    }
                }
            }
            throw new IllegalArgumentException("Unknown parameter type '" + json
                    + "'; expected one of string, integer, number, boolean, object, array, any.");
        }

        /**
         * Whether a non-null value has this type.
         *
         * @param value the value
         * @return true when it matches
         */
        public boolean matches(Object value) {
            switch (this) {
                case STRING:
                    return value instanceof String;
                case INTEGER:
                    return isIntegral(value);
                case NUMBER:
                    return value instanceof Number;
                case BOOLEAN:
                    return value instanceof Boolean;
                case OBJECT:
                    return value instanceof Map;
                case ARRAY:
                    return value instanceof List;
                default:
                    return true;
            }
        }

        /**
         * The JSON type name of a value, for messages.
         *
         * @param value a value, possibly null
         * @return "null", "string", "integer", "number", "boolean", "object", "array" or the class name
         */
        public static String describe(Object value) {
            if (value == null) {
                return "null";
            }
            for (Type type : new Type[] {STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY}) {
                if (type.matches(value)) {
                    return type.jsonName();
                }
            }
            return value.getClass().getName();
        }

        private static boolean isIntegral(Object value) {
            if (value instanceof Integer || value instanceof Long || value instanceof Short
                    || value instanceof Byte || value instanceof BigInteger) {
                return true;
            }
            if (value instanceof BigDecimal) {
                BigDecimal decimal = (BigDecimal) value;
                return decimal.signum() == 0 || decimal.scale() <= 0
                        || decimal.stripTrailingZeros().scale() <= 0;
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                return !Double.isInfinite(d) && d == Math.rint(d);
            }
            return false;
        }
    }
}
