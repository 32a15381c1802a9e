package io.cpihost.bridge.process.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.cpihost.api.CpiExtension;

/**
 * The process bridge as the benchmarks use it, without OSGi. Lives in the bridge's package (a
 * split package, harmless on a flat class path) because its types are package-private; nothing
 * of the bridge is changed.
 */
public final class ProcessAccess {

    private ProcessAccess() {
    }

    /** A running bridge instance and how to stop it. */
    public record Instance(CpiExtension extension, AutoCloseable closer) {
    }

    /**
     * A per-call instance with the defaults the installer uses.
     *
     * @param name the extension name
     * @param executable the absolute path of the executable
     * @return the instance
     */
    public static Instance perCall(String name, Path executable) {
        ProcessCpi cpi = new ProcessCpi(BridgeSettings.defaults(name, executable.toAbsolutePath(), 0));
        return new Instance(cpi, cpi);
    }

    /**
     * A persistent instance: the defaults, mode persistent, with extra arguments.
     *
     * @param name the extension name
     * @param executable the absolute path of the executable
     * @param arguments the arguments that make it serve lines, such as {@code --persistent}
     * @return the instance
     */
    public static Instance persistent(String name, Path executable, List<String> arguments) {
        BridgeSettings defaults = BridgeSettings.defaults(name, executable.toAbsolutePath(), 0);
        BridgeSettings settings = new BridgeSettings(defaults.name(), defaults.executable(), arguments,
                defaults.environment(), defaults.workingDirectory(), defaults.timeout(), defaults.maxConcurrency(),
                defaults.maxQueued(), Mode.PERSISTENT, defaults.preferredApiVersion(), defaults.directorUuid(),
                defaults.context(), defaults.stdoutLimit(), defaults.verbosity(), defaults.killGrace());
        ProcessCpi cpi = new ProcessCpi(settings);
        return new Instance(cpi, cpi);
    }

    /**
     * The bytes the bridge writes to stdin for a call.
     *
     * @param method the CPI method
     * @param arguments the positional arguments
     * @param requestId the request id in the context
     * @return the compact JSON request
     */
    public static byte[] request(String method, List<Object> arguments, String requestId) {
        return Protocol.request(method, arguments, Map.of("request_id", requestId), 2);
    }

    /**
     * The environment the bridge gives a process.
     *
     * @return PATH and TMPDIR
     */
    public static Map<String, String> environment() {
        return BridgeSettings.baseEnvironment(Map.of());
    }
}
