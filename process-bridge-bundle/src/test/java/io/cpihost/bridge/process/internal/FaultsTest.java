package io.cpihost.bridge.process.internal;

import static io.cpihost.bridge.process.internal.Fixtures.assertGone;
import static io.cpihost.bridge.process.internal.Fixtures.awaitPids;
import static io.cpihost.bridge.process.internal.Fixtures.context;
import static io.cpihost.bridge.process.internal.Fixtures.params;
import static io.cpihost.bridge.process.internal.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;

/**
 * One test per faulty fixture: the specific error, and the next call on the same instance
 * still works (every fault fixture answers has_vm properly).
 */
class FaultsTest {

    @TempDir
    Path tmp;

    private final List<ProcessCpi> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(ProcessCpi::close);
    }

    private ProcessCpi start(BridgeSettings settings) {
        ProcessCpi cpi = new ProcessCpi(settings);
        started.add(cpi);
        return cpi;
    }

    private ActionResult createVm(ProcessCpi cpi) {
        return cpi.execute("create_vm", Fixtures.createVm(), context("req-fault"));
    }

    private static void assertNextCallWorks(ProcessCpi cpi) {
        ActionResult next = cpi.execute("has_vm", params("vm_cid", "vm-1"), context("req-next"));
        assertEquals(Boolean.TRUE, next.value(), next::toString);
    }

    private static void assertError(ActionResult result, String type, String... fragments) {
        assertTrue(!result.isSuccess(), result::toString);
        assertEquals(type, result.error().type(), result::toString);
        for (String fragment : fragments) {
            assertTrue(result.error().message().contains(fragment), () -> "'" + fragment + "' not in: "
                    + result.error().message());
        }
    }

    @Test
    void garbageOutputIsAnInvalidResponseQuotingIt() {
        ProcessCpi cpi = start(settings("garbage", "fault-garbage"));
        ActionResult result = createVm(cpi);
        assertError(result, CpiError.INVALID_RESPONSE, "executable '" + Fixtures.path("fault-garbage") + "'",
                "answered 'create_vm' with invalid JSON: 'this is not json at all\\n'");
        assertNextCallWorks(cpi);
    }

    @Test
    void emptyOutputWithExitCode1NamesTheCodeAndTheLastStderrLine() {
        ProcessCpi cpi = start(settings("empty", "fault-empty"));
        ActionResult result = createVm(cpi);
        assertError(result, CpiError.INVALID_RESPONSE, "exited with code 1 without answering 'create_vm' on stdout",
                "its stderr ends with 'fault-empty: cannot reach the cloud'");
        assertEquals("fault-empty: cannot reach the cloud\n", result.log());
        assertNextCallWorks(cpi);
    }

    @Test
    void partialJsonIsTruncatedJson() {
        ProcessCpi cpi = start(settings("partial", "fault-partial"));
        assertError(createVm(cpi), CpiError.INVALID_RESPONSE,
                "answered 'create_vm' with truncated JSON: '{\"result\":{\"vm_cid\":\"vm-'");
        assertNextCallWorks(cpi);
    }

    @Test
    void resultAndErrorTogetherBreakTheProtocol() {
        ProcessCpi cpi = start(settings("both", "fault-both"));
        assertError(createVm(cpi), CpiError.INVALID_RESPONSE, "a response that sets both 'result' and 'error'");
        assertNextCallWorks(cpi);
    }

    @Test
    void stdoutBeyondTheLimitIsAnErrorAndTheProcessIsTerminated() {
        ProcessCpi cpi = start(settings("huge", "fault-huge"));
        long startNanos = System.nanoTime();
        assertError(createVm(cpi), CpiError.INVALID_RESPONSE, "wrote more than 16777216 bytes to stdout answering"
                + " 'create_vm'");
        assertTrue(Duration.ofNanos(System.nanoTime() - startNanos).toMillis() < 1500, "terminated on overflow");
        assertNextCallWorks(cpi);

        ProcessCpi small = start(settings("huge-small", "fault-huge", "stdoutLimit", 1000));
        assertError(createVm(small), CpiError.INVALID_RESPONSE, "wrote more than 1000 bytes");
    }

    @Test
    void theConfiguredTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = tmp.resolve("pids");
        ProcessCpi cpi = start(settings("hang", "fault-hang", "timeout", 1L,
                "environment", new String[] {"FIXTURE_PIDFILE=" + pidFile}));
        long startNanos = System.nanoTime();
        ActionResult result = createVm(cpi);
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        assertError(result, CpiError.TIMEOUT, "did not answer 'create_vm' in time", "descendants were terminated");
        assertTrue(millis >= 1000 && millis < 2500, "took " + millis + " ms");
        List<Long> pids = awaitPids(pidFile);
        assertEquals(2, pids.size(), "the fixture and its child");
        assertGone(pids);
        assertNextCallWorks(cpi);
    }

    @Test
    void theCallersShorterDeadlineWinsAndSigkillFollowsAnIgnoredSigterm() throws Exception {
        Path pidFile = tmp.resolve("pids");
        ProcessCpi cpi = start(settings("stubborn", "fault-hang", "timeout", 60L,
                "environment", new String[] {"FIXTURE_PIDFILE=" + pidFile, "FIXTURE_IGNORE_TERM=1"}));
        long startNanos = System.nanoTime();
        ActionResult result = cpi.execute("create_vm", Fixtures.createVm(), context("req", Duration.ofMillis(300)));
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        assertError(result, CpiError.TIMEOUT, "did not answer 'create_vm' in time");
        // 300 ms deadline + 2 s grace after SIGTERM, then SIGKILL.
        assertTrue(millis >= 2200 && millis < 5000, "took " + millis + " ms");
        assertGone(awaitPids(pidFile));
        assertNextCallWorks(cpi);
    }

    @Test
    void interruptingTheCallerKillsTheTreeAndKeepsTheInterrupt() throws Exception {
        Path pidFile = tmp.resolve("pids");
        ProcessCpi cpi = start(settings("interrupted", "fault-hang",
                "environment", new String[] {"FIXTURE_PIDFILE=" + pidFile}));
        AtomicReference<ActionResult> result = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread caller = new Thread(() -> {
            result.set(createVm(cpi));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        caller.start();
        List<Long> pids = awaitPids(pidFile);
        caller.interrupt();
        caller.join(5000);
        assertError(result.get(), CpiError.TIMEOUT, "was interrupted");
        assertTrue(stillInterrupted.get(), "the interrupt is restored for the registry");
        assertGone(pids);
        assertNextCallWorks(cpi);
    }

    @Test
    void aCrashMidWriteNamesTheSignalAndQuotesWhatCameOut() {
        ProcessCpi cpi = start(settings("crash", "fault-crash"));
        assertError(createVm(cpi), CpiError.INVALID_RESPONSE,
                "answered 'create_vm' with truncated JSON and was killed by signal 9: '{\"result\":\"vm-12'");
        assertNextCallWorks(cpi);
    }

    @Test
    void aStderrFloodIsDrainedAndOnlyItsTailKept() {
        ProcessCpi cpi = start(settings("flood", "fault-stderr-flood", "timeout", 20L));
        ActionResult result = createVm(cpi);
        assertTrue(result.isSuccess(), result::toString);
        assertEquals(List.of("vm-flood", java.util.Map.of()), result.value());
        assertTrue(result.log().endsWith("flood end\n"), () -> result.log().substring(result.log().length() - 100));
        assertTrue(result.log().startsWith("["), "a note says how much was dropped");
        assertTrue(result.log().length() < StderrCollector.TAIL_BYTES + 200, "length " + result.log().length());
        assertNextCallWorks(cpi);
    }

    @Test
    void aSlowStartFailsOnlyWhenTheDeadlineIsShorter() {
        ProcessCpi cpi = start(settings("slow", "fault-slow-start"));
        ActionResult hurried = cpi.execute("create_vm", Fixtures.createVm(), context("r", Duration.ofMillis(1500)));
        // The start-up info call takes 600 ms of those 1500, the call itself another 600.
        assertTrue(hurried.isSuccess(), hurried::toString);
        ActionResult late = cpi.execute("create_vm", Fixtures.createVm(), context("r", Duration.ofMillis(200)));
        assertError(late, CpiError.TIMEOUT, "did not answer 'create_vm' in time");
        assertNextCallWorks(cpi);
    }

    @Test
    void anExecutableRemovedAfterStartIsUnavailable(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("cpi");
        java.nio.file.Files.copy(Fixtures.path("fixture-cpi"), copy);
        ProcessCpi cpi = start(BridgeSettings.defaults("moved", copy, 0));
        assertEquals(2, cpi.apiVersion());
        java.nio.file.Files.delete(copy);
        ActionResult result = cpi.execute("has_vm", params("vm_cid", "vm-1"), context("r"));
        assertError(result, CpiError.UNAVAILABLE, "executable '" + copy + "' could not be started");
    }
}
