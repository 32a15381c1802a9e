package io.cpihost.bridge.nativelib.internal;

import java.nio.file.Path;

/**
 * What to load: a library, an optional name, the configuration for {@code component_configure}.
 *
 * @param library the library file as the operator gave it
 * @param name the configured name overriding the info's {@code id}; null or blank for none
 * @param configJson the configuration text (a JSON object); null or blank means {@code {}}
 * @param configSource where the configuration came from, for messages ("sidecar '/x.json'")
 * @param problem why the configuration could not even be read, or null; when set nothing loads
 */
public record LoadRequest(Path library, String name, String configJson, String configSource, String problem) {

    /**
     * A request without a configuration problem.
     *
     * @param library the library file
     * @param name the name override, or null
     * @param configJson the configuration, or null
     * @param configSource where it came from
     * @return the request
     */
    public static LoadRequest of(Path library, String name, String configJson, String configSource) {
        return new LoadRequest(library, name, configJson, configSource, null);
    }

    /**
     * The name to show while the component's own {@code id} is unknown: the configured name,
     * else the library's file name.
     *
     * @return a non-blank name
     */
    public String fallbackName() {
        if (name != null && !name.isBlank()) {
            return name.trim();
        }
        Path file = library.getFileName();
        return file == null ? library.toString() : file.toString();
    }
}
