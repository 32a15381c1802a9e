package io.cpihost.registry.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Hides secret values before parameters reach a log. */
final class Redaction {

    private static final String[] SECRET_WORDS = {"password", "secret", "token", "private_key", "privatekey",
        "access_key", "accesskey", "credential", "api_key", "apikey"};

    private Redaction() {
    }

    /** A copy of the value with every secret-looking key's value replaced by {@code ***}. */
    static Object redact(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                copy.put(entry.getKey(), isSecret(String.valueOf(entry.getKey())) ? "***" : redact(entry.getValue()));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(redact(element));
            }
            return copy;
        }
        return value;
    }

    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
