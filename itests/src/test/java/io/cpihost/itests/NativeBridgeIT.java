package io.cpihost.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;

/** Native shared libraries dropped into the watched folder of a real Felix, loaded through JNA. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NativeBridgeIT extends PlatformTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Configuration
    public Option[] config() {
        Path bundles = Path.of(System.getProperty("cpihost.bundles", "target/bundles")).toAbsolutePath();
        return platform("native",
                systemProperty("cpihost.native").value(System.getProperty("cpihost.native")),
                bundle(bundles.resolve("jna.jar").toUri().toString()),
                bundle(bundles.resolve("bridge.native.jar").toUri().toString()));
    }

    private static Path nativeBuild() {
        return Path.of(System.getProperty("cpihost.native"));
    }

    private static void drop(Path source, String name) throws IOException {
        Path temp = Files.createTempFile(extensionsFolder().getParent(), "drop", ".part");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, extensionsFolder().resolve(name), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static String kvVersion(CpiRegistry registry) {
        ActionResult result = registry.invoke("kv", "kv.stats", Map.of(), null);
        if (!result.isSuccess() || !(result.value() instanceof Map)) {
            return null;
        }
        return String.valueOf(((Map<?, ?>) result.value()).get("version"));
    }

    private static long mappingsOf(String fragment) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(fragment)).count();
    }

    /** Open file descriptors of this process whose target names the fragment. */
    private static long descriptorsOf(String fragment) throws IOException {
        long count = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains(fragment)) {
                        count++;
                    }
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        }
        return count;
    }

    @Test
    public void dropCallReplaceDelete() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        drop(nativeBuild().resolve("native/libkv.so"), "libkv.so");
        ExtensionInfo info = awaitValue("kv registered", WAIT, () -> registry.info("kv").orElse(null));
        assertEquals("native", info.providerType());
        assertEquals(ExtensionInfo.State.ACTIVE, info.state());
        assertEquals("1.0.0", kvVersion(registry));

        ActionResult put = registry.invoke("kv", "kv.put", Map.of("key", "zone", "value", "eu-1"), null);
        assertTrue(String.valueOf(put), put.isSuccess());
        ActionResult get = registry.invoke("kv", "kv.get", Map.of("key", "zone"), null);
        assertTrue(String.valueOf(get), String.valueOf(get.value()).contains("eu-1"));
        ActionResult missing = registry.invoke("kv", "kv.get", Map.of("key", "nope"), null);
        assertFalse(missing.isSuccess());
        assertTrue(missing.error().message(), missing.error().message().contains("nope"));

        long before = mappingsOf("libkv");
        assertTrue("the library is mapped while loaded", before > 0);
        drop(nativeBuild().resolve("fixtures/libkv-v2.so"), "libkv.so");
        await("kv answers as 2.0.0", WAIT, () -> "2.0.0".equals(kvVersion(registry)));
        await("only the new copy is mapped", WAIT, () -> {
            try {
                return mappingsOf("libkv") <= before;
            } catch (IOException e) {
                return false;
            }
        });

        Files.delete(extensionsFolder().resolve("libkv.so"));
        await("kv gone", WAIT, () -> registry.info("kv").isEmpty());
        await("no mapping or open file of the library left", WAIT, () -> {
            try {
                return mappingsOf("libkv") == 0 && descriptorsOf("libkv") == 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    public void aLibraryMissingSymbolsIsListedWithTheReasonAndOthersKeepServing() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        drop(nativeBuild().resolve("native/libkv.so"), "libkv.so");
        awaitValue("kv registered", WAIT, () -> registry.info("kv").orElse(null));
        drop(nativeBuild().resolve("fixtures/libmissing_symbols.so"), "libmissing_symbols.so");
        ExtensionInfo broken = awaitValue("broken library listed", WAIT, () -> registry.list().stream()
                .filter(i -> i.state() == ExtensionInfo.State.ERROR).findFirst().orElse(null));
        assertTrue(broken.reason(), broken.reason().contains("component_stop")
                && broken.reason().contains("component_info"));
        ActionResult call = registry.invoke(broken.name(), "anything", Map.of(), null);
        assertFalse(call.isSuccess());
        assertTrue(registry.invoke("kv", "kv.list", Map.of(), null).isSuccess());
        String list = shell("cpi:list");
        assertTrue(list, list.contains("ERROR") && list.contains("component_stop"));
        String deployments = shell("cpi:deployments");
        assertTrue(deployments, deployments.contains("libmissing_symbols.so") && deployments.contains("component_stop")
                && !deployments.contains("libkv.so"));
        Files.delete(extensionsFolder().resolve("libmissing_symbols.so"));
        Files.delete(extensionsFolder().resolve("libkv.so"));
        await("both gone", WAIT, () -> registry.info("kv").isEmpty() && registry.info(broken.name()).isEmpty());
    }
}
