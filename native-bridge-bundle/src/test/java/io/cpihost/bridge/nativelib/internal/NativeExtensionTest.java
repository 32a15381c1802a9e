package io.cpihost.bridge.nativelib.internal;

import static io.cpihost.bridge.nativelib.internal.Fixtures.call;
import static io.cpihost.bridge.nativelib.internal.Fixtures.fixture;
import static io.cpihost.bridge.nativelib.internal.Fixtures.kv;
import static io.cpihost.bridge.nativelib.internal.Fixtures.load;
import static io.cpihost.bridge.nativelib.internal.Fixtures.mappings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiExtension.Health;
import io.cpihost.api.ParameterDefinition;

class NativeExtensionTest {

    @TempDir
    Path copies;

    @TempDir
    Path sources;

    private final List<ManagedExtension> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(ManagedExtension::close);
    }

    private ManagedExtension open(Path library) {
        return keep(load(library, copies));
    }

    private ManagedExtension keep(ManagedExtension extension) {
        opened.add(extension);
        return extension;
    }

    private static NativeExtension loaded(ManagedExtension extension) {
        return assertInstanceOf(NativeExtension.class, extension, () -> extension.healthDetail());
    }

    /** Strings the component handed out vs. got back, from the fixture's "strings" method. */
    private static void assertStringsBalanced(CpiExtension fixture) {
        ActionResult strings = call(fixture, "strings", Map.of());
        assertTrue(strings.isSuccess(), strings::toString);
        Map<?, ?> counts = (Map<?, ?>) strings.value();
        assertTrue(((Number) counts.get("returned")).longValue() > 0, counts::toString);
        assertEquals(counts.get("returned"), counts.get("freed"), "every returned string is freed: " + counts);
    }

    @Test
    void kvSampleRoundTrip() {
        NativeExtension kv = loaded(open(kv()));

        assertEquals("kv", kv.name());
        assertEquals(CpiExtension.TYPE_NATIVE, kv.providerType());
        assertEquals("1.0.0", kv.info().version());
        assertEquals(Health.OK, kv.health());
        assertEquals("", kv.healthDetail());
        assertEquals(List.of("kv.put", "kv.get", "kv.delete", "kv.list", "kv.stats"),
                kv.listActions().stream().map(ActionDefinition::name).collect(Collectors.toList()));
        ActionDefinition put = kv.actionDefinition("kv.put").orElseThrow();
        assertFalse(put.readOnly());
        assertEquals(ParameterDefinition.required("key", ParameterDefinition.Type.STRING, "The key."),
                put.parameter("key").orElseThrow());
        assertTrue(kv.actionDefinition("kv.get").orElseThrow().readOnly());
        assertEquals(Map.of(CpiExtension.NAME_PROPERTY, "kv", ManagedExtension.LIBRARY_PROPERTY, kv().toString(),
                CpiExtension.SOURCE_PROPERTY, kv().toString(), ManagedExtension.VERSION_PROPERTY, "1.0.0"),
                kv.serviceProperties());

        assertEquals(Map.of("key", "a", "created", true),
                call(kv, "kv.put", Map.of("key", "a", "value", "ä \"quoted\" \n ☃")).value());
        assertEquals(Map.of("key", "b", "created", true), call(kv, "kv.put", Map.of("key", "b", "value", "2")).value());
        assertEquals(Map.of("key", "a", "value", "ä \"quoted\" \n ☃"), call(kv, "kv.get", Map.of("key", "a")).value());
        assertEquals(Map.of("keys", List.of("a", "b")), call(kv, "kv.list", Map.of()).value());
        assertEquals(Map.of("key", "a", "deleted", true), call(kv, "kv.delete", Map.of("key", "a")).value());

        ActionResult missing = call(kv, "kv.get", Map.of("key", "a"));
        assertEquals(new CpiError(CpiError.NOT_FOUND, "Key \"a\" does not exist.", false), missing.error());

        Map<?, ?> stats = (Map<?, ?>) call(kv, "kv.stats", Map.of()).value();
        assertEquals(1, stats.get("keys"));
        // Strings handed out before this call and not freed: a missed free leaves it above zero.
        assertEquals(0L, ((Number) stats.get("strings_outstanding")).longValue(), "every returned string is freed: "
                + stats);
    }

    @Test
    void configurationReachesTheComponent() {
        CpiExtension kv = keep(load(kv(), "{\"max_keys\": 1}", copies));
        assertTrue(call(kv, "kv.put", Map.of("key", "a", "value", "1")).isSuccess());

        ActionResult full = call(kv, "kv.put", Map.of("key", "b", "value", "2"));

        assertEquals(CpiError.CLOUD_ERROR, full.error().type());
        assertEquals("The store is full: it holds 1 keys, its configured max_keys.", full.error().message());
    }

    @Test
    void nameOverrideWins() {
        CpiExtension kv = keep(ExtensionLoader.load(LoadRequest.of(kv(), "store", "{}", "configuration"), copies));

        assertEquals("store", kv.name());
        assertEquals("store", ((ManagedExtension) kv).serviceProperties().get(CpiExtension.NAME_PROPERTY));
    }

    @Test
    void missingSymbolsAreAllNamed() {
        ManagedExtension failed = open(fixture("missing_symbols"));

        assertInstanceOf(UnavailableExtension.class, failed);
        assertEquals("libmissing_symbols.so", failed.name());
        assertEquals(Health.ERROR, failed.health());
        assertEquals("Library '" + fixture("missing_symbols") + "' does not export the required symbols "
                + "component_stop, component_info.", failed.healthDetail());
        assertEquals(List.of(), failed.listActions());
        assertEquals(CpiError.of(CpiError.UNAVAILABLE, failed.healthDetail()),
                call(failed, "echo", Map.of()).error());
        assertEmpty(copies);
    }

    @Test
    void configureFailureCarriesTheLastError() {
        ManagedExtension failed = keep(load(kv(), "{\"max_keys\": 0}", copies));

        assertInstanceOf(UnavailableExtension.class, failed);
        assertEquals("The component_configure of library '" + kv() + "' failed: Setting 'max_keys' must be "
                + "a positive integer (InvalidParameter).", failed.healthDetail());
        assertEmpty(copies);
    }

    @Test
    void configurationThatIsNoJsonObjectIsRejected() {
        ManagedExtension failed = keep(load(kv(), "[1]", copies));

        assertEquals("The configuration for library '" + kv() + "' is unusable: it is an array, not a JSON "
                + "object.", failed.healthDetail());
    }

    @Test
    void startFailureCarriesTheLastError() {
        ManagedExtension failed = open(fixture("start_fails"));

        assertEquals(Health.ERROR, failed.health());
        assertEquals("The component_start of library '" + fixture("start_fails") + "' failed: Port 8080 is "
                + "already in use (CloudError).", failed.healthDetail());
        assertEmpty(copies);
    }

    @Test
    void missingAndUnloadableFilesAreNamed() throws Exception {
        Path absent = sources.resolve("absent/libnothing.so");
        assertEquals("Library '" + absent + "' does not exist.", open(absent).healthDetail());

        Path text = Files.writeString(sources.resolve("libtext.so"), "not an ELF file");
        String detail = open(text).healthDetail();
        assertTrue(detail.startsWith("Library '" + text + "' could not be loaded: "), detail);
    }

    @Test
    void nullResultWithoutLastErrorIsAGenericCloudErrorNamingTheMethod() {
        CpiExtension fixture = loaded(open(fixture("rpc_null")));

        ActionResult result = call(fixture, "echo", Map.of("params", 1));

        assertEquals(CpiError.of(CpiError.CLOUD_ERROR, "Native extension 'rpc-null' returned no result for method "
                + "'echo' and gave no detail (it does not export component_last_error)."), result.error());
        assertStringsBalanced(fixture);
    }

    @Test
    void nullResultWithLastErrorPassesItsTypeAndMessage() {
        CpiExtension fixture = loaded(open(fixture("rpc_null_last_error")));

        ActionResult result = call(fixture, "echo", Map.of());

        assertEquals(new CpiError("Bosh::Clouds::VMNotFound", "VM 'vm-1' does not exist.", false), result.error());
        assertStringsBalanced(fixture);
    }

    @Test
    void invalidJsonIsAnInvalidResponseAndTheStringIsFreed() {
        CpiExtension fixture = loaded(open(fixture("invalid_json")));

        ActionResult result = call(fixture, "echo", Map.of());

        assertEquals(CpiError.INVALID_RESPONSE, result.error().type());
        assertTrue(result.error().message().startsWith("Native extension 'invalid-json' answered method 'echo' "
                + "with text that is not valid JSON ("), result.error().message());
        assertTrue(result.error().message().endsWith("): '{\"unterminated\": '."), result.error().message());
        assertStringsBalanced(fixture);
        assertEquals(Boolean.TRUE, call(fixture, "sleep", Map.of("params", 1)).value(), "still serving");
    }

    @Test
    void withoutDescribeEveryMethodTakesOneOptionalParams() {
        CpiExtension echo = loaded(open(fixture("echo")));

        ActionDefinition definition = echo.actionDefinition("echo").orElseThrow();
        assertEquals(List.of(ParameterDefinition.optional("params", ParameterDefinition.Type.ANY,
                "Any JSON value, passed to the method as its params_json; {} when absent.")), definition.parameters());

        Map<String, Object> value = Map.of("list", List.of(1, 2.5, "x", true), "nested", Map.of("k", "v"));
        assertEquals(value, call(echo, "echo", Map.of("params", value)).value());
        assertEquals(Map.of(), call(echo, "echo", Map.of()).value());
        assertEquals("text", call(echo, "echo", Map.of("params", "text")).value());
        assertEquals(CpiError.NOT_IMPLEMENTED, call(echo, "nope", Map.of()).error().type());
        assertStringsBalanced(echo);
    }

    @Test
    void statusMapsToHealthAndIsPolledAtMostOncePerSecond() throws Exception {
        CpiExtension degraded = loaded(open(fixture("degraded")));
        assertEquals(Health.DEGRADED, degraded.health());
        assertEquals("Native extension 'degraded' (library '" + fixture("degraded") + "') reports status Degraded.",
                degraded.healthDetail());

        call(degraded, "set_status", Map.of("params", 2));
        assertEquals(Health.DEGRADED, degraded.health(), "cached: the status was polled less than a second ago");
        assertEquals(Health.ERROR, awaitHealthChange(degraded, Health.DEGRADED));
        assertTrue(degraded.healthDetail().endsWith("reports status Error."), degraded.healthDetail());

        call(degraded, "set_status", Map.of("params", -1));
        awaitHealthDetailChange(degraded);
        assertEquals(Health.ERROR, degraded.health());
        assertTrue(degraded.healthDetail().endsWith("could not report its status."), degraded.healthDetail());

        call(degraded, "set_status", Map.of("params", 0));
        assertEquals(Health.OK, awaitHealthChange(degraded, Health.ERROR));
        assertEquals("", degraded.healthDetail());
    }

    @Test
    void aFailedStatusIsExplainedByTheLastError() throws Exception {
        CpiExtension fixture = loaded(open(fixture("rpc_null_last_error")));
        assertEquals(Health.OK, fixture.health());

        call(fixture, "set_status", Map.of("params", -1));

        assertEquals(Health.ERROR, awaitHealthChange(fixture, Health.OK));
        assertEquals("Native extension 'rpc-null-last-error' (library '" + fixture("rpc_null_last_error")
                + "') could not report its status: The status probe timed out.", fixture.healthDetail());
        assertStringsBalanced(fixture);
    }

    private static Health awaitHealthChange(CpiExtension extension, Health from) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (extension.health() == from && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        return extension.health();
    }

    private static void awaitHealthDetailChange(CpiExtension extension) throws InterruptedException {
        String from = extension.healthDetail();
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (extension.healthDetail().equals(from) && System.nanoTime() < until) {
            Thread.sleep(50);
        }
    }

    @Test
    void callsOnOneInstanceAreSerialized() throws Exception {
        CpiExtension echo = loaded(open(fixture("echo")));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long start = System.nanoTime();
            List<Future<ActionResult>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> call(echo, "sleep", Map.of("params", 50))));
            }
            for (Future<ActionResult> result : results) {
                assertTrue(result.get().isSuccess());
            }
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 190, "four 50 ms calls in a row");
        } finally {
            pool.shutdownNow();
        }
        Map<?, ?> counts = (Map<?, ?>) call(echo, "strings", Map.of()).value();
        assertEquals(0, counts.get("overlaps"), "no two calls ran at once");
    }

    @Test
    void aCallWaitingBehindAnotherGivesUpAtItsDeadline() throws Exception {
        CpiExtension echo = loaded(open(fixture("echo")));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ActionResult> slow = pool.submit(() -> call(echo, "sleep", Map.of("params", 600)));
            Thread.sleep(100);
            long start = System.nanoTime();

            ActionResult waiting = echo.execute("echo", Map.of(),
                    CallContext.builder().timeout(Duration.ofMillis(100)).build());

            assertEquals(CpiError.TIMEOUT, waiting.error().type(), waiting::toString);
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 400);
            assertTrue(slow.get().isSuccess());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeUnloadsTheCopyAndRefusesCalls() throws Exception {
        NativeExtension kv = loaded(open(kv()));
        Path copy = kv.loadedCopy();
        assertFalse(mappings(copy).isEmpty(), "the private copy is mapped while loaded");
        assertTrue(copy.startsWith(copies));

        kv.close();

        assertEquals(List.of(), mappings(copy), "no mapping of the copy remains");
        assertEquals(List.of(), Fixtures.descriptors(copy));
        assertFalse(Files.exists(copy), "the private copy is deleted");
        assertEquals(Health.STOPPED, kv.health());
        assertEquals(CpiError.of(CpiError.UNAVAILABLE, "Native extension 'kv' has been removed."),
                call(kv, "kv.list", Map.of()).error());
        kv.close();
    }

    private static void assertEmpty(Path directory) {
        try (var files = Files.list(directory)) {
            assertEquals(List.of(), files.collect(Collectors.toList()), "no private copy is left behind");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
