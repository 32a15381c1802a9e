package io.cpihost.bridge.nativelib.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ParameterDefinition;

/** Action definitions from {@code component_describe}, or derived from the bare method list. */
final class ActionDescriptions {

    /** The one parameter of every action of a component without {@code component_describe}. */
    static final String PARAMS = "params";

    private ActionDescriptions() {
    }

    /**
     * Without {@code component_describe}: each method takes one optional parameter
     * {@value #PARAMS} of any type, passed to the component as its params_json, so callers can
     * send anything and the registry has no unknown parameter names to reject.
     */
    static List<ActionDefinition> fromMethods(List<String> methods) {
        List<ActionDefinition> actions = new ArrayList<>();
        for (String method : methods) {
            actions.add(ActionDefinition.builder(method)
                    .description("Calls the component's method '" + method + "'.")
                    .optional(PARAMS, ParameterDefinition.Type.ANY,
                            "Any JSON value, passed to the method as its params_json; {} when absent.")
                    .build());
        }
        return List.copyOf(actions);
    }

    /**
     * Parses {@code {"actions": [...]}} or a bare array of actions (see the ABI header).
     *
     * @throws NativeLoadException when the text is not such a description
     */
    static List<ActionDefinition> parse(String json, String library) throws NativeLoadException {
        String prefix = "The component_describe of library '" + library + "' is unusable: ";
        Object root;
        try {
            root = Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new NativeLoadException(prefix + "it is not valid JSON (" + e.getOriginalMessage() + ").");
        }
        if (root instanceof Map) {
            root = ((Map<?, ?>) root).get("actions");
        }
        if (!(root instanceof List)) {
            throw new NativeLoadException(prefix + "it has no 'actions' array.");
        }
        List<ActionDefinition> actions = new ArrayList<>();
        int index = 0;
        for (Object entry : (List<?>) root) {
            index++;
            try {
                actions.add(action(entry, index));
            } catch (IllegalArgumentException e) {
                throw new NativeLoadException(prefix + e.getMessage());
            }
        }
        for (int i = 0; i < actions.size(); i++) {
            for (int j = i + 1; j < actions.size(); j++) {
                if (actions.get(i).name().equals(actions.get(j).name())) {
                    throw new NativeLoadException(prefix + "it describes action '" + actions.get(i).name()
                            + "' twice.");
                }
            }
        }
        return List.copyOf(actions);
    }

    private static ActionDefinition action(Object entry, int index) {
        if (!(entry instanceof Map)) {
            throw new IllegalArgumentException("action " + index + " is " + Json.describe(entry)
                    + ", not an object.");
        }
        Map<?, ?> object = (Map<?, ?>) entry;
        String name = string(object, "name", "action " + index);
        ActionDefinition.Builder builder = ActionDefinition.builder(name)
                .description(optionalString(object, "description"))
                .readOnly(flag(object, "read_only", false, "action '" + name + "'"));
        Object parameters = object.get("parameters");
        if (parameters != null && !(parameters instanceof List)) {
            throw new IllegalArgumentException("the 'parameters' of action '" + name + "' are not an array.");
        }
        if (parameters != null) {
            int position = 0;
            for (Object parameter : (List<?>) parameters) {
                position++;
                builder.parameter(parameter(parameter, name, position));
            }
        }
        return builder.build();
    }

    private static ParameterDefinition parameter(Object entry, String action, int position) {
        String where = "parameter " + position + " of action '" + action + "'";
        if (!(entry instanceof Map)) {
            throw new IllegalArgumentException(where + " is " + Json.describe(entry) + ", not an object.");
        }
        Map<?, ?> object = (Map<?, ?>) entry;
        String name = string(object, "name", where);
        where = "parameter '" + name + "' of action '" + action + "'";
        ParameterDefinition.Type type;
        try {
            type = ParameterDefinition.Type.fromJson(string(object, "type", where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        return new ParameterDefinition(name, type, flag(object, "required", true, where),
                flag(object, "nullable", false, where), optionalString(object, "description"));
    }

    private static String string(Map<?, ?> object, String key, String where) {
        Object value = object.get(key);
        if (!(value instanceof String) || ((String) value).isBlank()) {
            throw new IllegalArgumentException(where + " has no '" + key + "' string.");
        }
        return ((String) value).trim();
    }

    private static String optionalString(Map<?, ?> object, String key) {
        Object value = object.get(key);
        return value instanceof String ? (String) value : "";
    }

    private static boolean flag(Map<?, ?> object, String key, boolean fallback, String where) {
        Object value = object.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean)) {
            throw new IllegalArgumentException("'" + key + "' of " + where + " is " + Json.describe(value)
                    + ", not a boolean.");
        }
        return (Boolean) value;
    }
}
