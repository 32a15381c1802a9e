package io.cpihost.bridge.process.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiExtension;

/** The installer of self-describing executables, without FileInstall. */
class InstallerTest {

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newCachedThreadPool();
    private final List<CpiExtension> live = new ArrayList<>();
    private final List<Map<String, Object>> properties = new ArrayList<>();
    private final Publisher publisher = (extension, props) -> {
        live.add(extension);
        properties.add(props);
        return () -> live.remove(extension);
    };

    @AfterEach
    void shutdown() {
        io.shutdownNow();
    }

    private Path copy(String name) throws Exception {
        return Files.copy(Fixtures.path("fixture-cpi"), dir.resolve(name));
    }

    @Test
    void claimsOnlyRegularExecutableFiles() throws Exception {
        assertTrue(ArtifactRules.canHandle(copy("aws-cpi")));
        assertTrue(ArtifactRules.canHandle(copy("cpi.exe")));
        Path library = Fixtures.path("libfixture.so");
        assertTrue(Files.isExecutable(library), "gcc leaves shared libraries executable");
        assertFalse(ArtifactRules.canHandle(library));
        for (String name : List.of("libcpi.so.1.2", "cpi.dylib", "cpi.dll", "cpi.jar", "aws.cfg", "aws.config",
                "cpi.json", "CPI.SO", ".hidden", "cpi~", "cpi.tmp")) {
            assertFalse(ArtifactRules.canHandle(copy(name)), name);
        }
        Path plain = Files.writeString(dir.resolve("notes"), "text");
        Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
        assertFalse(ArtifactRules.canHandle(plain));
        Path folder = Files.createDirectory(dir.resolve("folder"));
        assertTrue(Files.isExecutable(folder));
        assertFalse(ArtifactRules.canHandle(folder));
        assertFalse(ArtifactRules.canHandle(dir.resolve("missing")));
    }

    @Test
    void aGoodExecutableDescribesItself() throws Exception {
        CapabilityProbe.Capabilities capabilities = CapabilityProbe.probe(copy("aws-cpi"), Duration.ofSeconds(5), io);
        assertEquals("aws-cpi", capabilities.id());
        assertEquals("Fixture CPI", capabilities.name());
        assertEquals(List.of("health", "cpi"), capabilities.capabilities());
    }

    @Test
    void badAnswersAreRejectedWithTheReason() throws Exception {
        assertRejected(copy("badjson-cpi"), "answered get-capabilities with invalid JSON: '{\"name\":\"broken\",\"id\":'");
        assertRejected(copy("exit2-cpi"), "exited with code 2 when asked for get-capabilities.");
        assertRejected(copy("nocpi-cpi"), "(id 'nocpi-cpi') does not have the 'cpi' capability; it has [dns].");
        // Valid JSON, but not a description (the fault fixture answers an error).
        assertRejected(Fixtures.path("fault-garbage"), "answered get-capabilities without a string 'id'.");
    }

    @Test
    void aHangingProbeIsCutShortAndLeavesNoProcess() throws Exception {
        Path hang = copy("hangcaps-cpi");
        long start = System.nanoTime();
        CapabilityProbe.Rejected rejected = assertThrows(CapabilityProbe.Rejected.class,
                () -> CapabilityProbe.probe(hang, Duration.ofMillis(300), io));
        assertEquals("executable '" + hang + "' did not answer get-capabilities within 300 ms.", rejected.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000);
        assertTrue(ProcessHandle.current().children()
                .noneMatch(child -> child.info().command().orElse("").contains("hangcaps")));
    }

    @Test
    void installPublishesOnceUnderTheIdAndReinstallReplaces() throws Exception {
        Path cpi = copy("gcp-cpi");
        ExecutableInstances instances = new ExecutableInstances(publisher, Duration.ofSeconds(5), 2);
        try {
            assertEquals("gcp-cpi", instances.install(cpi));
            assertEquals(1, live.size());
            CpiExtension first = live.get(0);
            assertEquals("gcp-cpi", first.name());
            assertEquals("gcp-cpi", properties.get(0).get(CpiExtension.NAME_PROPERTY));
            ActionResult echo = first.execute("set_vm_metadata", Map.of("vm_cid", "v", "metadata", Map.of()),
                    Fixtures.context("r"));
            List<?> argv = (List<?>) ((Map<?, ?>) echo.value()).get("argv");
            assertEquals(List.of("--v", "2"), argv.subList(1, argv.size()), "verbosity is forwarded");

            // FileInstall reports every file again after a restart, and on every change.
            assertEquals("gcp-cpi", instances.install(dir.resolve(".").resolve("gcp-cpi")));
            assertEquals(1, live.size(), "a known path is replaced, never published twice");
            assertFalse(live.contains(first));
            assertEquals(CpiExtension.Health.STOPPED, first.health(), "the replaced instance was closed");

            instances.uninstall(cpi);
            assertEquals(List.of(), live);
            assertEquals(Map.of(), instances.published());
        } finally {
            instances.close();
        }
    }

    @Test
    void aNonCpiIsSkippedAndAKnownPathThatStopsBeingACpiIsWithdrawn() throws Exception {
        ExecutableInstances instances = new ExecutableInstances(publisher, Duration.ofSeconds(5), 0);
        try {
            assertNull(instances.install(copy("nocpi-tool")));
            assertEquals(List.of(), live);

            Path cpi = copy("azure-cpi");
            assertEquals("azure-cpi", instances.install(cpi));
            Files.copy(Fixtures.path("fault-garbage"), cpi, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertNull(instances.install(cpi));
            assertEquals(List.of(), live);
        } finally {
            instances.close();
        }
    }

    @Test
    void closingWithdrawsEverything() throws Exception {
        ExecutableInstances instances = new ExecutableInstances(publisher, Duration.ofSeconds(5), 0);
        instances.install(copy("one-cpi"));
        instances.install(copy("two-cpi"));
        assertEquals(2, live.size());
        instances.close();
        assertEquals(List.of(), live);
    }

    private void assertRejected(Path executable, String fragment) {
        CapabilityProbe.Rejected rejected = assertThrows(CapabilityProbe.Rejected.class,
                () -> CapabilityProbe.probe(executable, Duration.ofSeconds(5), io));
        assertTrue(rejected.getMessage().startsWith("executable '" + executable + "'"), rejected.getMessage());
        assertTrue(rejected.getMessage().contains(fragment), rejected.getMessage());
    }
}
