package io.cpihost.bridge.process.internal;

import static io.cpihost.bridge.process.internal.Fixtures.context;
import static io.cpihost.bridge.process.internal.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;

/** maxConcurrency bounds the processes of an instance; the queue behind it is bounded too. */
class ConcurrencyTest {

    @Test
    void noMoreThanMaxConcurrencyProcessesRunAndExcessCallsAreRefusedRetryably() throws Exception {
        // Each call of the slow fixture takes 600 ms, so 5 simultaneous calls overlap.
        try (ProcessCpiCloser closer = new ProcessCpiCloser(
                new ProcessCpi(settings("bounded", "fault-slow-start", "maxConcurrency", 2, "maxQueued", 2)))) {
            ProcessCpi cpi = closer.cpi;
            assertEquals(2, cpi.apiVersion());
            AtomicBoolean sampling = new AtomicBoolean(true);
            AtomicInteger most = new AtomicInteger();
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    long running = ProcessHandle.current().children()
                            .filter(child -> child.info().command().orElse("").endsWith("fault-slow-start")).count();
                    most.accumulateAndGet((int) running, Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            ExecutorService callers = Executors.newFixedThreadPool(5);
            List<CompletableFuture<ActionResult>> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> cpi.execute("has_vm", Fixtures.params("vm_cid", "v"), context("r", Duration.ofSeconds(10))),
                        callers));
            }
            int succeeded = 0;
            List<ActionResult> refused = new ArrayList<>();
            for (CompletableFuture<ActionResult> call : calls) {
                ActionResult result = call.get();
                if (result.isSuccess()) {
                    succeeded++;
                } else {
                    refused.add(result);
                }
            }
            sampling.set(false);
            sampler.join();
            callers.shutdown();
            assertTrue(most.get() >= 1 && most.get() <= 2, "most processes at once: " + most.get());
            assertEquals(4, succeeded, "2 running + 2 queued");
            assertEquals(1, refused.size());
            CpiError error = refused.get(0).error();
            assertEquals(CpiError.UNAVAILABLE, error.type());
            assertTrue(error.okToRetry());
            assertEquals("Extension 'bounded' is running 2 calls with 2 more waiting; try again later.", error.message());
        }
    }

    @Test
    void aQueuedCallGivesUpAtItsDeadline() throws Exception {
        try (ProcessCpiCloser closer = new ProcessCpiCloser(
                new ProcessCpi(settings("single", "fault-slow-start", "maxConcurrency", 1)))) {
            ProcessCpi cpi = closer.cpi;
            assertEquals(2, cpi.apiVersion());
            CompletableFuture<ActionResult> first = CompletableFuture.supplyAsync(
                    () -> cpi.execute("has_vm", Fixtures.params("vm_cid", "v"), context("r")));
            Thread.sleep(100);
            ActionResult waiting = cpi.execute("has_vm", Fixtures.params("vm_cid", "v"),
                    context("r", Duration.ofMillis(200)));
            assertEquals(CpiError.TIMEOUT, waiting.error().type());
            assertTrue(waiting.error().message().contains("waiting for a free process (maxConcurrency 1)"),
                    waiting.error().message());
            assertTrue(first.get().isSuccess());
        }
    }

    private static final class ProcessCpiCloser implements AutoCloseable {
        final ProcessCpi cpi;

        ProcessCpiCloser(ProcessCpi cpi) {
            this.cpi = cpi;
        }

        @Override
        public void close() {
            cpi.close();
        }
    }
}
