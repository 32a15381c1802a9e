package io.cpihost.bridge.process.internal;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The validated settings of one bridge instance.
 *
 * @param name the extension name
 * @param executable the absolute path of the executable
 * @param arguments the configured arguments
 * @param environment the environment additions
 * @param workingDirectory the working directory, or null
 * @param timeout the per-call timeout; zero for none
 * @param maxConcurrency how many processes may run calls at once
 * @param maxQueued how many calls may wait for a process
 * @param mode per-call or persistent
 * @param preferredApiVersion the highest API version to speak
 * @param directorUuid the default director_uuid, or empty
 * @param context the properties merged into every request's context
 * @param stdoutLimit the most bytes a response may have
 * @param verbosity the value of {@code --v}, or 0 to pass none
 * @param killGrace the time between SIGTERM and SIGKILL
 */
record BridgeSettings(String name, Path executable, List<String> arguments, Map<String, String> environment,
        Path workingDirectory, Duration timeout, int maxConcurrency, int maxQueued, Mode mode,
        int preferredApiVersion, String directorUuid, Map<String, Object> context, long stdoutLimit,
        int verbosity, Duration killGrace) {

    /** 16 MiB, as the issue asks. */
    static final long DEFAULT_STDOUT_LIMIT = 16L * 1024 * 1024;
    /** The time a process tree gets between SIGTERM and SIGKILL. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);

    /**
     * Checks the values that need no file system.
     *
     * @throws IllegalArgumentException with a full sentence naming the offending setting
     */
    BridgeSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A process bridge needs a 'name'.");
        }
        arguments = List.copyOf(arguments);
        environment = Map.copyOf(environment);
        context = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be 0 (none) or a positive number of seconds, not "
                    + timeout.toSeconds() + ".");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, not " + maxConcurrency + ".");
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must be 0 or more, not " + maxQueued + ".");
        }
        if (preferredApiVersion < 1) {
            throw new IllegalArgumentException("preferredApiVersion must be at least 1, not " + preferredApiVersion + ".");
        }
        if (stdoutLimit < 1) {
            throw new IllegalArgumentException("stdoutLimit must be at least 1 byte, not " + stdoutLimit + ".");
        }
        if (verbosity < 0) {
            throw new IllegalArgumentException("verbosity must be 0 or more, not " + verbosity + ".");
        }
        directorUuid = directorUuid == null ? "" : directorUuid.trim();
    }

    /**
     * Default settings for an executable, as the installer of self-describing executables uses.
     *
     * @param name the extension name
     * @param executable the absolute path
     * @param verbosity the value of {@code --v}, or 0
     */
    static BridgeSettings defaults(String name, Path executable, int verbosity) {
        return new BridgeSettings(name, executable, List.of(), Map.of(), null, Duration.ZERO, 4, 64,
                Mode.PER_CALL, 2, "", Map.of(), DEFAULT_STDOUT_LIMIT, verbosity, KILL_GRACE);
    }

    /**
     * Reads and validates a configuration.
     *
     * @param config the configuration as DS converted it
     * @param properties the raw properties, to tell a single string (a {@code .cfg} value) from a list
     * @throws IllegalArgumentException with a full sentence naming the offending setting
     */
    static BridgeSettings fromConfig(ProcessBridgeConfig config, Map<String, ?> properties) {
        String name = config.name() == null ? "" : config.name().trim();
        BridgeSettings settings = new BridgeSettings(name, executable(config.executable()),
                list("arguments", properties.get("arguments"), config.arguments()),
                environment(properties.get("environment"), config.environment()),
                workingDirectory(config.workingDirectory()), Duration.ofSeconds(config.timeout()),
                config.maxConcurrency(), config.maxQueued(), Mode.parse(config.mode()), config.preferredApiVersion(),
                config.directorUuid(), Json.parseObject("context", config.context()), config.stdoutLimit(),
                config.verbosity(), KILL_GRACE);
        settings.checkFiles();
        return settings;
    }

    /**
     * Checks that the executable and the working directory are usable now.
     *
     * @throws IllegalArgumentException naming the path
     */
    void checkFiles() {
        if (!Files.exists(executable)) {
            throw new IllegalArgumentException("executable '" + executable + "' does not exist.");
        }
        if (Files.isDirectory(executable)) {
            throw new IllegalArgumentException("executable '" + executable + "' is a directory, not a file.");
        }
        if (!Files.isExecutable(executable)) {
            throw new IllegalArgumentException("executable '" + executable + "' is not executable.");
        }
        if (workingDirectory != null && !Files.isDirectory(workingDirectory)) {
            throw new IllegalArgumentException("workingDirectory '" + workingDirectory + "' is not a directory.");
        }
    }

    /** The command line: the executable, {@code --v N} when verbose, then the arguments. */
    List<String> command(List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        if (verbosity > 0) {
            command.add("--v");
            command.add(Integer.toString(verbosity));
        }
        command.addAll(arguments);
        command.addAll(extra);
        return command;
    }

    /** The complete environment: PATH and TMPDIR of the framework, plus the additions. */
    Map<String, String> processEnvironment() {
        return baseEnvironment(environment);
    }

    /** PATH and TMPDIR of the framework plus additions. */
    static Map<String, String> baseEnvironment(Map<String, String> additions) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = System.getenv("PATH");
        env.put("PATH", path == null || path.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : path);
        String tmp = System.getenv("TMPDIR");
        env.put("TMPDIR", tmp == null || tmp.isEmpty() ? System.getProperty("java.io.tmpdir") : tmp);
        env.putAll(additions);
        return env;
    }

    /** How the instance's executable is named in messages. */
    String source() {
        return "executable '" + executable + "'";
    }

    private static Path executable(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("A process bridge needs an 'executable'.");
        }
        Path path = path("executable", value.trim());
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("executable '" + value + "' is not an absolute path.");
        }
        return path;
    }

    private static Path workingDirectory(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Path path = path("workingDirectory", value.trim());
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("workingDirectory '" + value + "' is not an absolute path.");
        }
        return path;
    }

    private static Path path(String what, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a valid path: " + e.getReason() + ".", e);
        }
    }

    /**
     * A list setting. A single string is a JSON array when it starts with '[' and otherwise
     * words separated by white space, so that a {@code .cfg} line reads naturally.
     */
    static List<String> list(String what, Object raw, String[] converted) {
        if (raw instanceof String) {
            String text = ((String) raw).trim();
            if (text.isEmpty()) {
                return List.of();
            }
            if (text.startsWith("[")) {
                try {
                    JsonNode node = Json.MAPPER.readTree(text);
                    List<String> values = new ArrayList<>();
                    for (JsonNode element : node) {
                        if (!element.isValueNode() || element.isNull()) {
                            throw new IllegalArgumentException(what + " '" + Json.shorten(text, 100)
                                    + "' must be a JSON array of strings.");
                        }
                        values.add(element.asText());
                    }
                    return values;
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(what + " '" + Json.shorten(text, 100)
                            + "' is not a JSON array: " + e.getOriginalMessage() + ".", e);
                }
            }
            return List.of(text.split("\\s+"));
        }
        if (raw instanceof Collection) {
            List<String> values = new ArrayList<>();
            for (Object value : (Collection<?>) raw) {
                values.add(String.valueOf(value));
            }
            return values;
        }
        if (raw != null && raw.getClass().isArray()) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < Array.getLength(raw); i++) {
                values.add(String.valueOf(Array.get(raw, i)));
            }
            return values;
        }
        return converted == null ? List.of() : List.of(converted);
    }

    /** The environment additions: NAME=VALUE entries, or a JSON object in a single string. */
    static Map<String, String> environment(Object raw, String[] converted) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (raw instanceof String && ((String) raw).trim().startsWith("{")) {
            Json.parseObject("environment", (String) raw)
                    .forEach((key, value) -> environment.put(key, value == null ? "" : String.valueOf(value)));
            return environment;
        }
        for (String entry : list("environment", raw, converted)) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("environment entry '" + entry + "' is not of the form NAME=VALUE.");
            }
            environment.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return environment;
    }
}
