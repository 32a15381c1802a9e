package io.cpihost.bridge.process.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.util.converter.Converters;

import io.cpihost.api.CallContext;

/** The fixture CPIs compiled by the build (src/test/c) and helpers around them. */
final class Fixtures {

    private Fixtures() {
    }

    /** The path of a compiled fixture. */
    static Path path(String name) {
        Path dir = Path.of(System.getProperty("fixtures.dir", "target/fixtures")).toAbsolutePath();
        Path fixture = dir.resolve(name);
        assertTrue(Files.isExecutable(fixture), "fixture " + fixture + " is missing; run the Maven build.");
        return fixture;
    }

    /** A configuration as ConfigAdmin would hand it over, converted as DS does. */
    static ProcessBridgeConfig config(Map<String, ?> properties) {
        return Converters.standardConverter().convert(properties).to(ProcessBridgeConfig.class);
    }

    /** Properties for an instance of a fixture, plus more key/value pairs. */
    static Map<String, Object> properties(String name, String fixture, Object... more) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", name);
        properties.put("executable", path(fixture).toString());
        for (int i = 0; i < more.length; i += 2) {
            properties.put((String) more[i], more[i + 1]);
        }
        return properties;
    }

    /** Validated settings for an instance of a fixture. */
    static BridgeSettings settings(String name, String fixture, Object... more) {
        Map<String, Object> properties = properties(name, fixture, more);
        return BridgeSettings.fromConfig(config(properties), properties);
    }

    static CallContext context(String requestId) {
        return CallContext.builder().requestId(requestId).build();
    }

    static CallContext context(String requestId, Duration timeout) {
        return CallContext.builder().requestId(requestId).timeout(timeout).build();
    }

    static Map<String, Object> params(Object... pairs) {
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put((String) pairs[i], pairs[i + 1]);
        }
        return params;
    }

    /** Parameters of a create_vm call. */
    static Map<String, Object> createVm() {
        return params("agent_id", "agent-1", "stemcell_cid", "sc-1", "cloud_properties", Map.of("type", "small"),
                "networks", Map.of("default", Map.of("ip", "10.0.0.2")));
    }

    /** Waits for a file a fixture writes and reads the pids in it. */
    static List<Long> awaitPids(Path pidFile) throws IOException, InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(pidFile)) {
            if (System.nanoTime() - until > 0) {
                fail("The fixture did not write " + pidFile + ".");
            }
            Thread.sleep(10);
        }
        return List.of(Files.readString(pidFile).trim().split(" ")).stream().map(Long::parseLong).toList();
    }

    /**
     * Whether a process is gone: not running, or a zombie waiting for its (new) parent to reap
     * it, which is as dead as a process gets from our side.
     */
    static boolean gone(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException e) {
                return true;
            }
        }
        return true;
    }

    /** Asserts that processes are gone, allowing a moment for the last signal to land. */
    static void assertGone(List<Long> pids) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        for (long pid : pids) {
            while (!gone(pid)) {
                if (System.nanoTime() - until > 0) {
                    fail("Process " + pid + " is still running.");
                }
                Thread.sleep(10);
            }
        }
    }
}
