package io.cpihost.bridge.nativelib.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiExtension;

/** The libraries the build compiled (pom.xml) and helpers to look at the process. */
final class Fixtures {

    private Fixtures() {
    }

    /** The sample component, version 1.0.0. */
    static Path kv() {
        return existing(Path.of(System.getProperty("cpihost.native.dir", "target/native"), "libkv.so"));
    }

    /** A fixture library by short name: echo, missing_symbols, rpc_null ... or kv-v2. */
    static Path fixture(String name) {
        return existing(Path.of(System.getProperty("cpihost.fixtures.dir", "target/fixtures"), "lib" + name + ".so"));
    }

    private static Path existing(Path library) {
        assertTrue(Files.isRegularFile(library), "The build should have compiled " + library.toAbsolutePath());
        return library;
    }

    static ManagedExtension load(Path library, Path copies) {
        return ExtensionLoader.load(LoadRequest.of(library, null, null, "configuration"), copies);
    }

    static ManagedExtension load(Path library, String config, Path copies) {
        return ExtensionLoader.load(LoadRequest.of(library, null, config, "configuration"), copies);
    }

    static ActionResult call(CpiExtension extension, String action, Map<String, Object> params) {
        return extension.execute(action, params, CallContext.empty());
    }

    /** The lines of /proc/self/maps (Linux) that map the given file. */
    static List<String> mappings(Path file) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        String name = file.toAbsolutePath().toString();
        return Files.readAllLines(maps).stream().filter(line -> line.contains(name)).collect(Collectors.toList());
    }

    /** The open file descriptors of this process (Linux) that point at the given file. */
    static List<String> descriptors(Path file) throws IOException {
        String name = file.toAbsolutePath().toString();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            }).filter(target -> target.startsWith(name)).collect(Collectors.toList());
        }
    }
}
