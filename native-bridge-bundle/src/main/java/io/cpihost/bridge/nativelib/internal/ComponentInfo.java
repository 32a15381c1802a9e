package io.cpihost.bridge.nativelib.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code component_info} says about a component.
 *
 * @param id the extension name the component proposes
 * @param name a display name
 * @param version the component's version
 * @param author the author
 * @param description one sentence for people
 * @param rpcMethods the methods {@code component_handle_rpc} accepts
 */
public record ComponentInfo(String id, String name, String version, String author,
        String description, List<String> rpcMethods) {

    /** Copies the method list. */
    public ComponentInfo {
        rpcMethods = List.copyOf(rpcMethods);
    }

    /**
     * Parses the JSON of {@code component_info}.
     *
     * @param json the text
     * @param library the library, for messages
     * @return the info
     * @throws NativeLoadException when the text is not an info object
     */
    static ComponentInfo parse(String json, String library) throws NativeLoadException {
        Map<String, Object> object;
        try {
            object = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new NativeLoadException("The component_info of library '" + library + "' is unusable: "
                    + e.getMessage() + ".");
        }
        Object methods = object.get("rpc_methods");
        if (!(methods instanceof List)) {
            throw new NativeLoadException("The component_info of library '" + library
                    + "' has no 'rpc_methods' array.");
        }
        List<String> names = new ArrayList<>();
        for (Object method : (List<?>) methods) {
            if (!(method instanceof String) || ((String) method).isBlank()) {
                throw new NativeLoadException("The component_info of library '" + library
                        + "' lists " + Json.describe(method) + " among its 'rpc_methods'; each must be a non-blank string.");
            }
            if (!names.contains(method)) {
                names.add((String) method);
            }
        }
        return new ComponentInfo(text(object, "id"), text(object, "name"), text(object, "version"),
                text(object, "author"), text(object, "description"), names);
    }

    private static String text(Map<String, Object> object, String key) {
        Object value = object.get(key);
        return value == null ? "" : value.toString().trim();
    }
}
