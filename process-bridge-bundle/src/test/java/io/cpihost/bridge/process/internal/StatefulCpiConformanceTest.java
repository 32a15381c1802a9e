package io.cpihost.bridge.process.internal;

import static io.cpihost.bridge.process.internal.Fixtures.context;
import static io.cpihost.bridge.process.internal.Fixtures.params;
import static io.cpihost.bridge.process.internal.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionResult;
import io.cpihost.conformance.ConformanceKit;
import io.cpihost.conformance.Report;
import io.cpihost.registry.standalone.StandaloneRegistry;

/**
 * The stateful fixture CPI (src/test/c/stateful-cpi.c), a small but real BOSH CPI keeping its
 * cloud in a directory, held through the bridge and the platform's call pipeline to the contract
 * every provider is held to: once with a process per call, once with long-lived processes.
 */
class StatefulCpiConformanceTest {

    @TempDir
    Path state;

    @Test
    void conformsInPerCallMode() throws IOException {
        assertConforms("stateful-per-call", "per-call", "--state", state.toString());
    }

    @Test
    void conformsInPersistentMode() throws IOException {
        assertConforms("stateful-persistent", "persistent", "--state", state.toString(), "--persistent");
    }

    /** Both modes see one cloud; the CPI checks what the registry's validation would catch. */
    @Test
    void sharesItsCloudAcrossProcessesAndChecksItsArguments() {
        String[] arguments = {"--state", state.toString(), "--max-disk-mib", "1024"};
        try (ProcessCpi perCall = new ProcessCpi(settings("a", "stateful-cpi", "arguments", arguments));
                ProcessCpi persistent = new ProcessCpi(settings("b", "stateful-cpi", "mode", "persistent",
                        "arguments", List.of(arguments[0], arguments[1], arguments[2], arguments[3], "--persistent")))) {
            ActionResult created = perCall.execute("create_disk", params("size", 1024, "cloud_properties", Map.of()),
                    context("r1"));
            assertTrue(created.isSuccess(), created::toString);
            String disk = (String) created.value();
            assertEquals(Boolean.TRUE, persistent.execute("has_disk", params("disk_cid", disk), context("r2")).value());
            assertError(persistent.execute("create_disk", params("size", 1025), context("r3")),
                    "Bosh::Clouds::CloudError", "1025 MiB");
            assertError(perCall.execute("create_disk", params("size", "big"), context("r4")),
                    "Bosh::Clouds::CloudError", "must be an integer");
            assertError(persistent.execute("set_disk_metadata", params("disk_cid", disk, "metadata", "x"),
                    context("r5")), "Bosh::Clouds::CloudError", "must be an object");
            assertError(perCall.execute("resize_disk", params("disk_cid", disk, "new_size", 1), context("r6")),
                    "Bosh::Clouds::NotSupported", disk);
            assertError(persistent.execute("current_vm_id", Map.of(), context("r7")), "Bosh::Clouds::NotImplemented",
                    "current_vm_id");
            assertTrue(persistent.execute("delete_disk", params("disk_cid", disk), context("r8")).isSuccess());
            assertEquals(Boolean.FALSE, perCall.execute("has_disk", params("disk_cid", disk), context("r9")).value());
        }
    }

    private static void assertError(ActionResult result, String type, String inMessage) {
        assertTrue(!result.isSuccess() && result.error().type().equals(type)
                && result.error().message().contains(inMessage), () -> "expected " + type + " naming '" + inMessage
                        + "', got " + result);
    }

    private void assertConforms(String name, String mode, String... arguments) throws IOException {
        Report report;
        try (ProcessCpi cpi = new ProcessCpi(settings(name, "stateful-cpi", "mode", mode, "arguments", arguments,
                "timeout", 20L));
                StandaloneRegistry registry = new StandaloneRegistry(cpi)) {
            report = new ConformanceKit(registry).withCallTimeout(Duration.ofSeconds(20)).run(name);
        }
        System.out.println(report.render());
        assertEquals(0, report.failed(), report::render);
        assertEquals(0, report.skipped(), report::render);
        for (String kind : List.of("stemcells", "vms", "disks", "snapshots", "networks")) {
            try (Stream<Path> left = Files.list(state.resolve(kind))) {
                assertEquals(List.of(), left.toList(), "left-over " + kind + "\n" + report.render());
            }
        }
    }
}
