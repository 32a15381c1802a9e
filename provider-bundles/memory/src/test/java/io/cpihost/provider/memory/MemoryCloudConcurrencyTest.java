package io.cpihost.provider.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;

/** Many threads at once against one extension, as the registry calls it. */
class MemoryCloudConcurrencyTest {

    private static final int THREADS = 8;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void concurrentCreateAttachAndDeleteLeaveConsistentCounts() throws Exception {
        MemoryCpiExtension cpi = MemoryCpiExtensionTest.extension(Map.of());
        String stemcell = (String) value(cpi, "create_stemcell", "image_path", "i",
                "cloud_properties", Map.of());
        // One disk every thread fights over: it must never be attached to two VMs at once.
        String shared = (String) value(cpi, "create_disk", "size", 1, "cloud_properties", Map.of());
        int iterations = 100;
        Queue<String> keptVms = new ConcurrentLinkedQueue<>();
        AtomicInteger sharedAttaches = new AtomicInteger();

        runTogether(() -> {
            for (int i = 0; i < iterations; i++) {
                List<?> created = (List<?>) value(cpi, "create_vm", "agent_id", "a",
                        "stemcell_cid", stemcell, "cloud_properties", Map.of(),
                        "networks", Map.of());
                String vm = (String) created.get(0);
                String disk = (String) value(cpi, "create_disk", "size", 10, "cloud_properties",
                        Map.of());
                value(cpi, "attach_disk", "vm_cid", vm, "disk_cid", disk);

                ActionResult attach = call(cpi, "attach_disk", "vm_cid", vm, "disk_cid", shared);
                if (attach.isSuccess()) {
                    sharedAttaches.incrementAndGet();
                    assertEquals(2, ((List<?>) value(cpi, "get_disks", "vm_cid", vm)).size());
                    value(cpi, "detach_disk", "vm_cid", vm, "disk_cid", shared);
                } else {
                    assertEquals(CpiError.CLOUD_ERROR, attach.error().type(), attach.toString());
                }

                if (i % 2 == 0) {
                    value(cpi, "delete_vm", "vm_cid", vm);
                    value(cpi, "delete_disk", "disk_cid", disk);
                } else {
                    keptVms.add(vm);
                }
            }
            return null;
        });

        MemoryCloud cloud = cpi.cloud();
        int kept = THREADS * iterations / 2;
        assertEquals(kept, cloud.vmCount());
        assertEquals(kept + 1, cloud.diskCount(), "each kept VM's disk plus the shared one");
        assertEquals(kept, cloud.attachedDiskCount());
        int attachedSeenFromVms = 0;
        for (String vm : keptVms) {
            attachedSeenFromVms += ((List<?>) value(cpi, "get_disks", "vm_cid", vm)).size();
        }
        assertEquals(kept, attachedSeenFromVms);
        assertEquals(null, cloud.disk(shared).orElseThrow().attachedTo());
        assertTrue(sharedAttaches.get() > 0);
    }

    @Test
    void concurrentCreatesNeverPassTheVmLimit() throws Exception {
        MemoryCpiExtension cpi = MemoryCpiExtensionTest.extension(Map.of("maxVms", 50));
        String stemcell = (String) value(cpi, "create_stemcell", "image_path", "i",
                "cloud_properties", Map.of());
        AtomicInteger created = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();

        runTogether(() -> {
            for (int i = 0; i < 20; i++) {
                ActionResult result = call(cpi, "create_vm", "agent_id", "a", "stemcell_cid",
                        stemcell, "cloud_properties", Map.of(), "networks", Map.of());
                if (result.isSuccess()) {
                    created.incrementAndGet();
                } else {
                    assertEquals(MemoryCloud.VM_CREATION_FAILED, result.error().type());
                    refused.incrementAndGet();
                }
            }
            return null;
        });

        assertEquals(50, created.get());
        assertEquals(THREADS * 20 - 50, refused.get());
        assertEquals(50, cpi.cloud().vmCount());
    }

    /** Runs the task on every thread, released at once, and rethrows the first failure. */
    private void runTogether(Callable<Void> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        for (Future<Void> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
    }

    private static ActionResult call(MemoryCpiExtension cpi, String action,
            Object... keysAndValues) {
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return cpi.execute(action, params, CallContext.empty());
    }

    private static Object value(MemoryCpiExtension cpi, String action, Object... keysAndValues) {
        ActionResult result = call(cpi, action, keysAndValues);
        assertTrue(result.isSuccess(), () -> action + " failed: " + result);
        return result.value();
    }
}
