package io.cpihost.bridge.process.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which files of the watched folder are candidate CPI executables: regular executable files
 * only, never libraries (gcc leaves shared libraries executable), archives, configuration or
 * JSON files, hidden files or editor and download leftovers.
 */
final class ArtifactRules {

    private static final List<String> EXCLUDED_SUFFIXES = List.of(".so", ".dylib", ".dll", ".jar", ".cfg",
            ".config", ".json", ".tmp", ".part", ".swp", ".bak", "~");
    /** Versioned shared libraries: libfoo.so.1, libfoo.so.1.2.3. */
    private static final Pattern VERSIONED_LIBRARY = Pattern.compile(".*\\.so(\\.[0-9]+)+");

    private ArtifactRules() {
    }

    /**
     * Whether the installer should claim a file.
     *
     * @param path the file FileInstall offers
     * @return true for a regular executable file that is not a library or configuration
     */
    static boolean canHandle(Path path) {
        if (path == null || path.getFileName() == null) {
            return false;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.startsWith(".") || VERSIONED_LIBRARY.matcher(name).matches()) {
            return false;
        }
        for (String suffix : EXCLUDED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return false;
            }
        }
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
