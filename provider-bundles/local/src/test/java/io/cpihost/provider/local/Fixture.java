package io.cpihost.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.osgi.util.converter.Converters;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;

/**
 * Builds local providers as SCR would and makes sure that no VM process outlives a test.
 */
final class Fixture implements AutoCloseable {

    private final Path store;
    private final List<LocalCpiExtension> extensions = new ArrayList<>();
    /** Every process a VM of these providers ran, to end and check at the end. */
    private final Set<ProcessHandle> processes = new LinkedHashSet<>();

    Fixture(Path store) {
        this.store = store;
    }

    Path store() {
        return store;
    }

    /** A provider on the fixture's store with extra configuration. */
    LocalCpiExtension open(Map<String, Object> configuration) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("storeDirectory", store.toString());
        properties.putAll(configuration);
        LocalCpiExtension extension = build(properties);
        extensions.add(extension);
        track(extension);
        return extension;
    }

    static LocalCpiExtension build(Map<String, Object> properties) {
        LocalCpiExtension.Config config = Converters.standardConverter()
                .convert(new HashMap<>(properties)).to(LocalCpiExtension.Config.class);
        return new LocalCpiExtension(config);
    }

    /** Remembers the processes a provider supervises now, and their descendants. */
    void track(LocalCpiExtension extension) {
        for (ProcessHandle handle : extension.cloud().processes().values()) {
            track(handle);
        }
    }

    void track(ProcessHandle handle) {
        processes.add(handle);
        handle.descendants().forEach(processes::add);
    }

    /** Calls an action and returns the result. */
    static ActionResult call(LocalCpiExtension extension, String action,
            Map<String, Object> params) {
        ActionResult result = extension.execute(action, params, CallContext.empty());
        return result;
    }

    /** Calls an action that must succeed. */
    Object succeed(LocalCpiExtension extension, String action, Map<String, Object> params) {
        ActionResult result = call(extension, action, params);
        if (!result.isSuccess()) {
            throw new AssertionError(action + " " + params + " failed: " + result.error());
        }
        track(extension);
        return result.value();
    }

    /** A small image file outside the store. */
    Path image(Path directory, String content) throws IOException {
        Path image = directory.resolve("image-" + System.nanoTime() + ".img");
        Files.writeString(image, content);
        return image;
    }

    /** Creates a stemcell and a VM, returning the VM id. */
    String vm(LocalCpiExtension extension, Path imageDirectory) throws IOException {
        String stemcell = (String) succeed(extension, "create_stemcell", Map.of(
                "image_path", image(imageDirectory, "image").toString(),
                "cloud_properties", Map.of()));
        List<?> created = (List<?>) succeed(extension, "create_vm", Map.of(
                "agent_id", "agent-1", "stemcell_cid", stemcell, "cloud_properties", Map.of(),
                "networks", Map.of("default", Map.of("ip", "10.0.0.2"))));
        return (String) created.get(0);
    }

    /** Waits for a condition, polling; fails after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + ".");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what + ".", e);
            }
        }
    }

    /** Ends every VM process seen, closes the providers, and checks that no process lives. */
    @Override
    public void close() {
        for (LocalCpiExtension extension : extensions) {
            track(extension);
            extension.deactivate();
        }
        for (ProcessHandle handle : processes) {
            if (handle.isAlive()) {
                VmProcess.stopTree(handle, Duration.ZERO);
            }
        }
        List<Long> alive = processes.stream().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).toList();
        assertEquals(List.of(), alive, "VM processes that outlived the test");
    }

    /** Every file under the store, for assertions on what was written where. */
    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.toList();
        }
    }
}
