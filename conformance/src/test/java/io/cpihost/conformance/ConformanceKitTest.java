package io.cpihost.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;
import io.cpihost.registry.standalone.StandaloneRegistry;
import io.cpihost.conformance.TestExtensions.Wrapper;

class ConformanceKitTest {

    private StandaloneRegistry registry;

    @AfterEach
    void closeRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private Report run(Wrapper extension) {
        registry = new StandaloneRegistry(extension);
        Report report = new ConformanceKit(registry).withCallTimeout(Duration.ofSeconds(20))
                .run(extension.name());
        System.out.println(report.render());
        return report;
    }

    private static void assertStatus(Report report, Check.Status status, String... names) {
        for (String name : names) {
            Check check = report.check(name).orElseThrow(
                    () -> new AssertionError("No check '" + name + "' in\n" + report.render()));
            assertEquals(status, check.status(), () -> name + " in\n" + report.render());
        }
    }

    @Test
    void theMemoryProviderConformsAndNothingIsLeftBehind() {
        Wrapper memory = Wrapper.recording(TestExtensions.memory(Map.of()));

        Report report = run(memory);

        report.assertConforms();
        assertEquals(0, report.failed(), report::render);
        assertEquals(0, report.skipped(), report::render);
        assertStatus(report, Check.Status.PASSED, "registered", "definitions.well-formed",
                "definitions.read-only", "read-only.enforced", "reads.idempotent",
                "lifecycle.stemcell", "lifecycle.vm", "lifecycle.full", "disks.resize",
                "disks.size-bounds", "not-found.delete_vm", "not-found.has_vm",
                "not-found.attach_disk", "not-found.delete_snapshot", "not-found.delete_network",
                "invalid-parameters", "concurrency");
        assertTrue(report.check("not-found.info").isEmpty(), "info takes no id");
        assertTrue(report.check("not-found.create_vm").isEmpty(), "create actions are exempt");
        assertEquals(Set.of(), memory.live, "resources the kit left behind");
        assertTrue(report.check("lifecycle.full").orElseThrow().detail().contains(
                "create_stemcell > create_vm > create_disk > attach_disk > get_disks"
                        + " > snapshot_disk"), report::render);
    }

    @Test
    void aBrokenProviderFailsTheChecksItBreaks() {
        Wrapper broken = new Wrapper(TestExtensions.memory(Map.of("name", "broken")), d -> true,
                // Lies: delete_vm changes state, has_disk only reads.
                d -> switch (d.name()) {
                    case "delete_vm" -> TestExtensions.readOnly(d, true);
                    case "has_disk" -> TestExtensions.readOnly(d, false);
                    default -> d;
                },
                (action, params) -> switch (action) {
                    case "has_vm" -> throw new IllegalStateException("has_vm is broken");
                    // Not-found answered as success.
                    case "delete_disk" -> String.valueOf(params.get("disk_cid"))
                            .startsWith("conformance-missing-") ? ActionResult.success(null) : null;
                    default -> null;
                });

        Report report = run(broken);

        assertStatus(report, Check.Status.FAILED, "definitions.read-only", "not-found.has_vm",
                "not-found.delete_disk", "lifecycle.vm");
        assertStatus(report, Check.Status.PASSED, "registered", "lifecycle.stemcell",
                "not-found.delete_vm", "not-found.delete_stemcell", "invalid-parameters");
        String readOnly = report.check("definitions.read-only").orElseThrow().detail();
        assertTrue(readOnly.contains("'delete_vm' changes state but is declared read-only"),
                readOnly);
        assertTrue(readOnly.contains("'has_disk' only reads but is not declared read-only"),
                readOnly);
        assertTrue(report.check("not-found.has_vm").orElseThrow().detail()
                .contains("has_vm is broken"), report::render);
        assertTrue(report.render().endsWith("conformance broken: " + report.passed()
                + " passed, " + report.failed() + " failed, 0 skipped"), report::render);
        AssertionError error = assertThrows(AssertionError.class, report::assertConforms);
        assertTrue(error.getMessage().contains("FAIL not-found.has_vm"), error.getMessage());
        // The VM the lifecycle made before has_vm broke was still deleted.
        assertEquals(Set.of(), broken.live, "resources the kit left behind");
    }

    @Test
    void aProviderWithoutDisksSkipsTheDiskChecks() {
        Wrapper diskless = new Wrapper(TestExtensions.memory(Map.of("name", "diskless")),
                d -> !d.name().contains("disk") && !d.name().contains("snapshot"), d -> d,
                (a, p) -> null);

        Report report = run(diskless);

        assertEquals(0, report.failed(), report::render);
        assertStatus(report, Check.Status.SKIPPED, "lifecycle.full", "disks.resize",
                "disks.size-bounds");
        assertStatus(report, Check.Status.PASSED, "lifecycle.vm", "concurrency");
        assertTrue(report.check("lifecycle.full").orElseThrow().detail()
                .contains("'create_disk'"), report::render);
        assertTrue(report.check("concurrency").orElseThrow().detail()
                .contains("create_stemcell/delete_stemcell"), report::render);
        assertEquals(Set.of(), diskless.live);
    }

    @Test
    void aProviderWithOnlyInfoSkipsAlmostEverything() {
        Wrapper infoOnly = new Wrapper(TestExtensions.memory(Map.of("name", "info-only")),
                d -> d.name().equals("info"), d -> d, (a, p) -> null);

        Report report = run(infoOnly);

        assertEquals(0, report.failed(), report::render);
        assertStatus(report, Check.Status.PASSED, "registered", "definitions.well-formed",
                "reads.idempotent", "invalid-parameters");
        assertStatus(report, Check.Status.SKIPPED, "read-only.enforced", "lifecycle.stemcell",
                "lifecycle.vm", "lifecycle.full", "not-found", "concurrency");
    }

    @Test
    void aFailedStepStillCleansUpWhatTheCheckCreated() {
        Wrapper failing = new Wrapper(TestExtensions.memory(Map.of("name", "failing")), d -> true,
                d -> d, (action, params) -> action.equals("get_disks")
                        ? ActionResult.success(List.of()) : null);

        Report report = run(failing);

        assertStatus(report, Check.Status.FAILED, "lifecycle.full");
        String detail = report.check("lifecycle.full").orElseThrow().detail();
        assertTrue(detail.contains("should be listed") && detail.contains("after create_stemcell,"
                + " create_vm, create_disk, attach_disk"), detail);
        assertEquals(Set.of(), failing.live, "resources the kit left behind");
    }

    @Test
    void anUnknownExtensionFailsRegistrationOnly() {
        registry = new StandaloneRegistry(TestExtensions.memory(Map.of()));

        Report report = new ConformanceKit(registry).run("nope");

        assertEquals(List.of(Check.failed("registered", "No extension named 'nope' is registered.")),
                report.checks());
        assertEquals("FAIL registered - No extension named 'nope' is registered.\n"
                + "conformance nope: 0 passed, 1 failed, 0 skipped", report.render());
    }

    @Test
    void slowCallsFailAsTimeoutsInsteadOfHanging() {
        Wrapper slow = new Wrapper(TestExtensions.memory(Map.of("name", "slow")), d -> true,
                d -> d, (action, params) -> {
                    if (action.equals("info")) {
                        try {
                            // Blocks until the deadline's cancellation interrupts it.
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return null;
                });
        registry = new StandaloneRegistry(slow);

        Report report = new ConformanceKit(registry).withCallTimeout(Duration.ofMillis(200))
                .run("slow");

        assertStatus(report, Check.Status.FAILED, "reads.idempotent");
        assertTrue(report.check("reads.idempotent").orElseThrow().detail()
                .contains(CpiError.TIMEOUT), report::render);
    }

    @Test
    void settingsAreValidated() {
        registry = new StandaloneRegistry();
        ConformanceKit kit = new ConformanceKit(registry);
        assertThrows(IllegalArgumentException.class, () -> kit.withCallTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> kit.withConcurrency(0, 1));
        assertThrows(IllegalArgumentException.class, () -> kit.withDiskSizeMib(0));
    }
}
