package io.cpihost.bridge.process.internal;

import static io.cpihost.bridge.process.internal.Fixtures.assertGone;
import static io.cpihost.bridge.process.internal.Fixtures.awaitPids;
import static io.cpihost.bridge.process.internal.Fixtures.context;
import static io.cpihost.bridge.process.internal.Fixtures.createVm;
import static io.cpihost.bridge.process.internal.Fixtures.params;
import static io.cpihost.bridge.process.internal.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;

/** Persistent mode: JSON lines to long-lived processes. */
class PersistentModeTest {

    @TempDir
    Path tmp;

    private final List<ProcessCpi> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(ProcessCpi::close);
    }

    private ProcessCpi start(Object... more) {
        List<Object> properties = new ArrayList<>(List.of("mode", "persistent", "arguments", "--persistent"));
        properties.addAll(List.of(more));
        ProcessCpi cpi = new ProcessCpi(settings("persistent", "fixture-cpi", properties.toArray()));
        started.add(cpi);
        return cpi;
    }

    private static String vmCid(ActionResult result) {
        assertTrue(result.isSuccess(), result::toString);
        return (String) ((List<?>) result.value()).get(0);
    }

    /** The fixture names VMs "vm-PID-N", N counting the calls the process served. */
    private static String pidOf(String vmCid) {
        return vmCid.split("-")[1];
    }

    @Test
    void oneProcessServesCallAfterCall() throws Exception {
        ProcessCpi cpi = start();
        assertEquals(2, cpi.apiVersion());
        String first = vmCid(cpi.execute("create_vm", createVm(), context("r1")));
        String second = vmCid(cpi.execute("create_vm", createVm(), context("r2")));
        assertEquals(pidOf(first), pidOf(second), "the same process answered both");
        assertTrue(first.endsWith("-1") && second.endsWith("-2"), first + ", " + second);
        assertEquals(1, ((PersistentPool) cpi.transport()).size());

        ActionResult missing = cpi.execute("delete_vm", params("vm_cid", "vm-missing"), context("r3"));
        assertEquals("Bosh::Clouds::VMNotFound", missing.error().type());
        Map<?, ?> echo = (Map<?, ?>) cpi.execute("set_vm_metadata", params("vm_cid", "v", "metadata", Map.of()),
                context("r4")).value();
        Map<?, ?> request = (Map<?, ?>) echo.get("request");
        assertEquals("r4", ((Map<?, ?>) request.get("context")).get("request_id"));
        assertEquals(List.of("v", Map.of()), request.get("arguments"));
    }

    @Test
    void aCrashFailsThatCallAndTheNextCallGetsAFreshProcess() throws Exception {
        ProcessCpi cpi = start();
        String before = vmCid(cpi.execute("create_vm", createVm(), context("r1")));
        ActionResult crash = cpi.execute("delete_vm", params("vm_cid", "crash"), context("r2"));
        assertEquals(CpiError.INVALID_RESPONSE, crash.error().type());
        assertTrue(crash.error().message().contains("exited with code 3 before answering 'delete_vm'; it will be"
                + " restarted"), crash.error().message());
        assertTrue(crash.log().contains("crashing on purpose"), crash.log());
        assertEquals(CpiExtension.Health.DEGRADED, cpi.health());

        String after = vmCid(cpi.execute("create_vm", createVm(), context("r3")));
        assertNotEquals(pidOf(before), pidOf(after));
        assertTrue(after.endsWith("-1"), after);
        assertEquals(CpiExtension.Health.OK, cpi.health(), "a success resets the backoff");
    }

    @Test
    void restartsBackOffAfterRepeatedCrashes() {
        ProcessCpi cpi = start();
        for (int i = 0; i < 4; i++) {
            cpi.execute("delete_vm", params("vm_cid", "crash"), context("r"));
        }
        // Four crashes in a row: the next start waits 800 ms, more than this call may wait.
        ActionResult refused = cpi.execute("has_vm", params("vm_cid", "v"), context("r", Duration.ofMillis(300)));
        assertEquals(CpiError.UNAVAILABLE, refused.error().type(), refused::toString);
        assertTrue(refused.error().okToRetry());
        assertTrue(refused.error().message().contains("is restarting after 4 crash(es)"), refused.error().message());
        ActionResult patient = cpi.execute("has_vm", params("vm_cid", "v"), context("r", Duration.ofSeconds(5)));
        assertEquals(Boolean.TRUE, patient.value(), patient::toString);
    }

    @Test
    void aHangingCallKillsItsProcessTreeAndTheNextCallWorks() throws Exception {
        Path pidFile = tmp.resolve("pids");
        ProcessCpi cpi = start("environment", "FIXTURE_PIDFILE=" + pidFile);
        ActionResult hung = cpi.execute("delete_vm", params("vm_cid", "hang"), context("r", Duration.ofMillis(500)));
        assertEquals(CpiError.TIMEOUT, hung.error().type(), hung::toString);
        assertGone(awaitPids(pidFile));
        assertEquals(Boolean.TRUE, cpi.execute("has_vm", params("vm_cid", "v"), context("r")).value());
        assertEquals(CpiExtension.Health.OK, cpi.health(), "a timeout is not a crash");
    }

    @Test
    void thePoolGrowsToMaxConcurrencyAndNoFurther() throws Exception {
        ProcessCpi cpi = start("maxConcurrency", 3, "maxQueued", 100);
        assertEquals(2, cpi.apiVersion());
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<ActionResult>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> cpi.execute("create_vm", createVm(), context("r")),
                        callers));
            }
            List<String> pids = new ArrayList<>();
            for (CompletableFuture<ActionResult> call : calls) {
                pids.add(pidOf(vmCid(call.get())));
            }
            long distinct = pids.stream().distinct().count();
            assertTrue(distinct >= 1 && distinct <= 3, "processes used: " + distinct);
            assertTrue(((PersistentPool) cpi.transport()).size() <= 3);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void closingTheInstanceEndsEveryProcess() throws Exception {
        ProcessCpi cpi = start();
        vmCid(cpi.execute("create_vm", createVm(), context("r")));
        List<Long> pids = ((PersistentPool) cpi.transport()).pids();
        assertEquals(1, pids.size());
        cpi.close();
        assertGone(pids);
        assertEquals(CpiError.UNAVAILABLE, cpi.execute("has_vm", params("vm_cid", "v"), context("r")).error().type());
    }
}
