package io.cpihost.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.ActionStats;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ExtensionInfo;

class RegistryCoreTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final RegistryCore core = new RegistryCore(2000, 5000, executor);
    private long nextServiceId = 10;

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ServiceIdentity id(int ranking) {
        return id(ranking, 1);
    }

    private ServiceIdentity id(int ranking, long bundleId) {
        return new ServiceIdentity(nextServiceId++, ranking, bundleId, "test.bundle", "1.0.0");
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            map.put((String) kv[i], kv[i + 1]);
        }
        return map;
    }

    private static void assertError(String type, String messagePart, ActionResult result) {
        assertFalse(result.isSuccess(), "expected an error, got " + result);
        assertEquals(type, result.error().type(), result.error().message());
        assertTrue(result.error().message().contains(messagePart),
                "message '" + result.error().message() + "' should mention '" + messagePart + "'");
    }

    @Test
    void callReachesProviderWithAssignedRequestId() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        ActionResult result = core.invoke("alpha", "echo", params("text", "hi"), null);
        assertTrue(result.isSuccess());
        assertEquals("hi", result.value());
        String first = ext.contexts.get(0).requestId();
        assertNotNull(first);
        core.invoke("alpha", "echo", params("text", "again"), CallContext.empty());
        assertFalse(first.equals(ext.contexts.get(1).requestId()), "each call gets its own request id");
        core.invoke("alpha", "echo", params("text", "mine"), CallContext.builder().requestId("req-7").build());
        assertEquals("req-7", ext.contexts.get(2).requestId());
    }

    @Test
    void unknownExtensionIsNotFound() {
        assertError(CpiError.NOT_FOUND, "'ghost'", core.invoke("ghost", "echo", Map.of(), null));
    }

    @Test
    void unknownActionIsNotImplemented() {
        core.add(id(0), new TestExtension("alpha"));
        assertError(CpiError.NOT_IMPLEMENTED, "'reboot'", core.invoke("alpha", "reboot", Map.of(), null));
    }

    @Test
    void parametersAreValidatedByName() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        assertError(CpiError.INVALID_PARAMETER, "Missing required parameter 'text'",
                core.invoke("alpha", "echo", Map.of(), null));
        assertError(CpiError.INVALID_PARAMETER, "'text' of action 'echo' must be a string, got integer",
                core.invoke("alpha", "echo", params("text", 5), null));
        assertError(CpiError.INVALID_PARAMETER, "Unknown parameter 'colour'",
                core.invoke("alpha", "echo", params("text", "x", "colour", "red"), null));
        assertError(CpiError.INVALID_PARAMETER, "'text' of action 'echo' must not be null",
                core.invoke("alpha", "echo", params("text", null), null));
        assertError(CpiError.INVALID_PARAMETER, "'size' of action 'create' must be an integer, got number",
                core.invoke("alpha", "create", params("size", 1.5), null));
        assertTrue(core.invoke("alpha", "create", params("size", 2.0), null).isSuccess(), "2.0 is integral");
        assertTrue(core.invoke("alpha", "create", params("size", 5L), null).isSuccess());
        assertTrue(core.invoke("alpha", "echo", params("text", "x", "times", null), null).isSuccess(),
                "optional parameters are nullable");
        assertEquals(3, ext.contexts.size(), "invalid calls never reach the provider");
    }

    @Test
    void readOnlyContextRefusesChangingActions() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        CallContext readOnly = CallContext.builder().readOnly(true).build();
        assertError(CpiError.READ_ONLY, "'create'", core.invoke("alpha", "create", params("size", 1), readOnly));
        assertTrue(core.invoke("alpha", "echo", params("text", "ok"), readOnly).isSuccess());
        assertEquals(1, ext.contexts.size());
    }

    @Test
    void deadlineInterruptsTheProvider() throws Exception {
        TestExtension ext = new TestExtension("slow");
        CountDownLatch interrupted = new CountDownLatch(1);
        ext.behaviour = (action, params) -> {
            try {
                Thread.sleep(10_000);
                return ActionResult.success("late");
            } catch (InterruptedException e) {
                interrupted.countDown();
                return ActionResult.success("interrupted");
            }
        };
        ServiceIdentity identity = id(0);
        core.add(identity, ext);
        long start = System.nanoTime();
        ActionResult result = core.invoke("slow", "echo", params("text", "x"),
                CallContext.builder().timeout(Duration.ofMillis(100)).build());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertError(CpiError.TIMEOUT, "'echo' of extension 'slow'", result);
        assertTrue(millis < 5000, "timed out after " + millis + " ms");
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the provider's thread was interrupted");
        assertEquals(1, core.statistics().get(0).timeouts());
        long removeStart = System.nanoTime();
        core.remove(identity.serviceId());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removeStart) < 2000,
                "the timed-out call left the registration, so removal does not wait for the drain timeout");
    }

    @Test
    void passedDeadlineNeverReachesTheProvider() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        ActionResult result = core.invoke("alpha", "echo", params("text", "x"),
                CallContext.builder().deadlineNanos(System.nanoTime() - 1).build());
        assertError(CpiError.TIMEOUT, "before it started", result);
        assertTrue(ext.contexts.isEmpty());
    }

    @Test
    void throwingOrNullProviderBecomesInternal() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        ext.behaviour = (action, params) -> {
            throw new IllegalStateException("disk on fire");
        };
        assertError(CpiError.INTERNAL, "disk on fire", core.invoke("alpha", "echo", params("text", "x"), null));
        ext.behaviour = (action, params) -> null;
        assertError(CpiError.INTERNAL, "returned no result", core.invoke("alpha", "echo", params("text", "x"), null));
        ext.behaviour = (action, params) -> ActionResult.success("fine");
        assertTrue(core.invoke("alpha", "echo", params("text", "x"), null).isSuccess(), "still serving");
    }

    @Test
    void providerErrorsPassThroughUnchanged() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        ext.behaviour = (action, params) -> ActionResult.failure(
                new CpiError("Bosh::Clouds::VMNotFound", "VM 'vm-1' not found", false), "looked everywhere");
        ActionResult result = core.invoke("alpha", "echo", params("text", "x"), null);
        assertEquals("Bosh::Clouds::VMNotFound", result.error().type());
        assertEquals("looked everywhere", result.log());
    }

    @Test
    void highestRankingThenLowestServiceIdWins() {
        TestExtension low = new TestExtension("dup");
        TestExtension first = new TestExtension("dup");
        TestExtension high = new TestExtension("dup");
        ServiceIdentity lowId = id(0);
        core.add(lowId, low);
        ServiceIdentity sameRankLater = id(0);
        core.add(sameRankLater, first);
        assertEquals(low, core.find("dup").orElseThrow(), "same ranking: lowest service id wins");
        ServiceIdentity highId = id(5);
        core.add(highId, high);
        assertEquals(high, core.find("dup").orElseThrow(), "highest ranking wins");

        List<ExtensionInfo> infos = core.list();
        assertEquals(3, infos.size());
        long shadowed = infos.stream().filter(i -> i.state() == ExtensionInfo.State.SHADOWED).count();
        assertEquals(2, shadowed);
        ExtensionInfo lowInfo = infos.stream().filter(i -> i.serviceId() == lowId.serviceId()).findFirst().orElseThrow();
        assertTrue(lowInfo.reason().contains("service " + highId.serviceId()), lowInfo.reason());

        core.remove(highId.serviceId());
        assertEquals(low, core.find("dup").orElseThrow(), "the next in line takes over");
    }

    @Test
    void brokenProvidersAreListedAsFailedAndOthersKeepServing() {
        core.add(id(0), new TestExtension("good"));
        core.add(id(0), new TestExtension("boom") {
            @Override
            public String name() {
                throw new IllegalStateException("no name today");
            }
        });
        core.add(id(0), new TestExtension("  "));
        core.add(id(0), new TestExtension("noactions") {
            @Override
            public List<io.cpihost.api.ActionDefinition> listActions() {
                throw new UnsupportedOperationException("later");
            }
        });
        List<ExtensionInfo> failed = core.list().stream().filter(i -> i.state() == ExtensionInfo.State.FAILED).toList();
        assertEquals(3, failed.size());
        assertTrue(failed.stream().anyMatch(i -> i.reason().contains("no name today")));
        assertTrue(failed.stream().anyMatch(i -> i.reason().contains("blank name")));
        assertTrue(failed.stream().anyMatch(i -> i.name().equals("noactions") && i.reason().contains("later")));
        assertTrue(core.invoke("good", "echo", params("text", "x"), null).isSuccess());
        assertError(CpiError.NOT_FOUND, "noactions", core.invoke("noactions", "echo", Map.of(), null));
    }

    @Test
    void healthIsShownInTheListing() {
        TestExtension ext = new TestExtension("sick");
        core.add(id(0), ext);
        ext.health = CpiExtension.Health.DEGRADED;
        ExtensionInfo info = core.info("sick").orElseThrow();
        assertEquals(ExtensionInfo.State.DEGRADED, info.state());
        assertEquals("health is DEGRADED", info.reason());
        ext.health = CpiExtension.Health.OK;
        assertEquals(ExtensionInfo.State.ACTIVE, core.list().get(0).state());
    }

    @Test
    void callInTheUpdateGapWaitsForTheNameToReturn() throws Exception {
        ServiceIdentity v1 = id(0);
        core.add(v1, new TestExtension("upd"));
        core.remove(v1.serviceId());
        CompletableFuture<ActionResult> call = CompletableFuture.supplyAsync(
                () -> core.invoke("upd", "echo", params("text", "during"), null));
        Thread.sleep(100);
        assertFalse(call.isDone(), "the call waits during the gap");
        core.add(id(0), new TestExtension("upd"));
        ActionResult result = call.get(5, TimeUnit.SECONDS);
        assertTrue(result.isSuccess(), String.valueOf(result));
    }

    @Test
    void gapWaitIsBoundedAndEndsWhenTheBundleIsUninstalled() throws Exception {
        core.configure(300, 1000);
        ServiceIdentity v1 = id(0, 42);
        core.add(v1, new TestExtension("gone"));
        core.remove(v1.serviceId());
        long start = System.nanoTime();
        assertError(CpiError.NOT_FOUND, "'gone'", core.invoke("gone", "echo", params("text", "x"), null));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 250 && waited < 3000, "waited " + waited + " ms");

        core.configure(10_000, 1000);
        ServiceIdentity v2 = id(0, 43);
        core.add(v2, new TestExtension("gone"));
        core.remove(v2.serviceId());
        CompletableFuture<ActionResult> call = CompletableFuture.supplyAsync(
                () -> core.invoke("gone", "echo", params("text", "x"), null));
        Thread.sleep(100);
        core.bundleUninstalled(43);
        ActionResult result = call.get(2, TimeUnit.SECONDS);
        assertError(CpiError.NOT_FOUND, "'gone'", result);
    }

    @Test
    void removalWaitsForRunningCalls() throws Exception {
        TestExtension ext = new TestExtension("busy");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ext.behaviour = (action, params) -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ActionResult.success("done");
        };
        ServiceIdentity identity = id(0);
        core.add(identity, ext);
        CompletableFuture<ActionResult> call = CompletableFuture.supplyAsync(
                () -> core.invoke("busy", "echo", params("text", "x"), null));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        AtomicBoolean removed = new AtomicBoolean();
        Thread remover = new Thread(() -> {
            core.remove(identity.serviceId());
            removed.set(true);
        });
        remover.start();
        Thread.sleep(150);
        assertFalse(removed.get(), "removal waits for the running call");
        assertTrue(core.find("busy").isEmpty(), "but new calls no longer see the service");
        release.countDown();
        remover.join(5000);
        assertTrue(removed.get());
        assertEquals("done", call.get(5, TimeUnit.SECONDS).value());
    }

    @Test
    void statisticsCountCallsAndErrorsPerAction() {
        TestExtension ext = new TestExtension("alpha");
        core.add(id(0), ext);
        core.invoke("alpha", "echo", params("text", "x"), null);
        core.invoke("alpha", "echo", params("text", "y"), null);
        core.invoke("alpha", "echo", Map.of(), null);
        core.invoke("alpha", "create", params("size", 3), null);
        List<ActionStats> stats = core.statistics();
        ActionStats echo = stats.stream().filter(s -> s.action().equals("echo")).findFirst().orElseThrow();
        assertEquals(3, echo.calls());
        assertEquals(1, echo.errors());
        ActionStats create = stats.stream().filter(s -> s.action().equals("create")).findFirst().orElseThrow();
        assertEquals(1, create.calls());
        assertEquals(0, create.errors());
        assertTrue(echo.maxNanos() > 0);
    }

    @Test
    void concurrentCallsAndUpdatesNeverFail() throws Exception {
        ServiceIdentity first = id(0);
        core.add(first, new TestExtension("hot"));
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        Runnable caller = () -> {
            while (!stop.get()) {
                ActionResult r = core.invoke("hot", "echo", params("text", "x"), null);
                calls.incrementAndGet();
                if (!r.isSuccess()) {
                    failures.incrementAndGet();
                }
            }
        };
        Thread a = new Thread(caller);
        Thread b = new Thread(caller);
        a.start();
        b.start();
        ServiceIdentity current = first;
        for (int i = 0; i < 50; i++) {
            core.remove(current.serviceId());
            Thread.sleep(2);
            current = id(0);
            core.add(current, new TestExtension("hot"));
        }
        stop.set(true);
        a.join();
        b.join();
        assertTrue(calls.get() > 100, "calls made: " + calls.get());
        assertEquals(0, failures.get());
    }

    @Test
    void redactionHidesSecrets() {
        Object redacted = Redaction.redact(Map.of("cloud_properties", Map.of("password", "p", "zone", "z"),
                "list", List.of(Map.of("api_key", "k"))));
        assertEquals("{cloud_properties={password=***, zone=z}, list=[{api_key=***}]}",
                new java.util.TreeMap<>((Map<?, ?>) redacted).toString().replace("{zone=z, password=***}",
                        "{password=***, zone=z}"));
    }
}
