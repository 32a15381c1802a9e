package io.cpihost.bridge.nativelib.internal;

import static io.cpihost.bridge.nativelib.internal.Fixtures.call;
import static io.cpihost.bridge.nativelib.internal.Fixtures.fixture;
import static io.cpihost.bridge.nativelib.internal.Fixtures.kv;
import static io.cpihost.bridge.nativelib.internal.Fixtures.mappings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension.Health;

/** The installer's logic without FileInstall: the calls FileInstall would make. */
class InstalledLibrariesTest {

    @TempDir
    Path watched;

    @TempDir
    Path copies;

    private final List<String> published = new ArrayList<>();
    private InstalledLibraries libraries;

    @BeforeEach
    void create() {
        libraries = new InstalledLibraries(request -> {
            published.add(request.library().getFileName() + " " + request.configJson());
            return Publication.unregistered(ExtensionLoader.load(request, copies));
        });
    }

    @AfterEach
    void close() {
        libraries.closeAll();
    }

    private File drop(Path library, String name) throws Exception {
        Path target = watched.resolve(name);
        Files.copy(library, target, StandardCopyOption.REPLACE_EXISTING);
        return target.toFile();
    }

    private NativeExtension installed(File library) {
        return assertInstanceOf(NativeExtension.class, libraries.extension(library).orElseThrow());
    }

    @Test
    void handlesLibrariesAndTheirSidecarsOnly() {
        assertTrue(libraries.canHandle(new File("libkv.so")));
        assertTrue(libraries.canHandle(new File("kv.dylib")));
        assertTrue(libraries.canHandle(new File("KV.DLL")));
        assertTrue(libraries.canHandle(new File("libkv.so.json")));
        assertFalse(libraries.canHandle(new File("settings.json")));
        assertFalse(libraries.canHandle(new File("bundle.jar")));
        assertFalse(libraries.canHandle(new File("io.cpihost.bridge.native-kv.cfg")));
    }

    @Test
    void installingAnUnchangedLibraryAgainKeepsItsInstance() throws Exception {
        File dropped = drop(kv(), "libkv.so");
        libraries.installOrUpdate(dropped);
        NativeExtension first = installed(dropped);
        assertTrue(call(first, "kv.put", Map.of("key", "a", "value", "1")).isSuccess());

        libraries.installOrUpdate(dropped); // FileInstall after a restart of its own
        libraries.installOrUpdate(new File(watched.toFile(), "./libkv.so"));

        assertSame(first, installed(dropped));
        assertEquals(1, published.size());
        assertEquals(Map.of("keys", List.of("a")), call(first, "kv.list", Map.of()).value());
    }

    @Test
    void replacingTheFileLoadsTheNewCodeAndUnmapsTheOld() throws Exception {
        File dropped = drop(kv(), "libkv.so");
        libraries.installOrUpdate(dropped);
        NativeExtension v1 = installed(dropped);
        Path oldCopy = v1.loadedCopy();
        assertEquals("1.0.0", ((Map<?, ?>) call(v1, "kv.stats", Map.of()).value()).get("version"));

        // overwritten in place while version 1 is loaded: possible because a private copy is loaded
        drop(fixture("kv-v2"), "libkv.so");
        libraries.installOrUpdate(dropped);

        NativeExtension v2 = installed(dropped);
        assertEquals("2.0.0", v2.info().version());
        assertEquals("2.0.0", ((Map<?, ?>) call(v2, "kv.stats", Map.of()).value()).get("version"));
        assertEquals(Map.of("keys", List.of()), call(v2, "kv.list", Map.of()).value(), "a new instance");
        assertEquals(List.of(), mappings(oldCopy), "no mapping of the old copy remains");
        assertEquals(List.of(), Fixtures.descriptors(oldCopy));
        assertFalse(Files.exists(oldCopy));
        assertEquals(CpiError.UNAVAILABLE, call(v1, "kv.list", Map.of()).error().type());
        assertFalse(mappings(v2.loadedCopy()).isEmpty());
    }

    @Test
    void theSidecarConfiguresAndReloadsItsLibrary() throws Exception {
        File sidecar = watched.resolve("libkv.so.json").toFile();
        Files.writeString(sidecar.toPath(), "{\"max_keys\": 1}");
        libraries.installOrUpdate(sidecar); // before its library: nothing to do yet
        File dropped = drop(kv(), "libkv.so");
        assertTrue(libraries.extension(dropped).isEmpty());

        libraries.installOrUpdate(dropped);
        libraries.installOrUpdate(sidecar); // reported after its library: nothing changed
        NativeExtension limited = installed(dropped);
        assertTrue(call(limited, "kv.put", Map.of("key", "a", "value", "1")).isSuccess());
        assertEquals(CpiError.CLOUD_ERROR, call(limited, "kv.put", Map.of("key", "b", "value", "2")).error().type());

        Files.writeString(sidecar.toPath(), "{\"max_keys\": 5}");
        libraries.installOrUpdate(sidecar);
        NativeExtension relaxed = installed(dropped);
        assertTrue(call(relaxed, "kv.put", Map.of("key", "a", "value", "1")).isSuccess());
        assertTrue(call(relaxed, "kv.put", Map.of("key", "b", "value", "2")).isSuccess());

        Files.writeString(sidecar.toPath(), "not json");
        libraries.installOrUpdate(sidecar);
        ManagedExtension broken = libraries.extension(dropped).orElseThrow();
        assertEquals(Health.ERROR, broken.health());
        assertEquals("libkv.so", broken.name());
        assertTrue(broken.healthDetail().startsWith("The sidecar '" + sidecar.getCanonicalPath() + "' for library '"),
                broken.healthDetail());

        Files.delete(sidecar.toPath());
        libraries.uninstall(sidecar);
        assertEquals(Health.OK, installed(dropped).health());
        assertEquals(List.of("libkv.so {\"max_keys\": 1}", "libkv.so {\"max_keys\": 5}", "libkv.so not json",
                "libkv.so null"), published);
    }

    @Test
    void deletingTheLibraryRemovesItsInstance() throws Exception {
        File dropped = drop(kv(), "libkv.so");
        libraries.installOrUpdate(dropped);
        NativeExtension kv = installed(dropped);

        Files.delete(dropped.toPath());
        libraries.uninstall(dropped);

        assertTrue(libraries.extension(dropped).isEmpty());
        assertEquals(Health.STOPPED, kv.health());
        assertEquals(List.of(), mappings(kv.loadedCopy()));
    }

    @Test
    void aBrokenLibraryIsInstalledAsFailedAndOthersKeepServing() throws Exception {
        File good = drop(kv(), "libkv.so");
        File bad = drop(fixture("missing_symbols"), "libbad.so");
        libraries.installOrUpdate(bad);
        libraries.installOrUpdate(good);

        ManagedExtension failed = libraries.extension(bad).orElseThrow();
        assertEquals("libbad.so", failed.name());
        assertEquals(Health.ERROR, failed.health());
        assertTrue(failed.healthDetail().contains("component_stop, component_info"), failed.healthDetail());
        assertTrue(call(installed(good), "kv.put", Map.of("key", "a", "value", "1")).isSuccess());
    }
}
