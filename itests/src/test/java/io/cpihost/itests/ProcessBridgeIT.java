package io.cpihost.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;

/** BOSH CPI executables configured and dropped through the watched folder of a real framework. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProcessBridgeIT extends PlatformTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Configuration
    public Option[] config() {
        Path bundles = Path.of(System.getProperty("cpihost.bundles", "target/bundles")).toAbsolutePath();
        return platform("process",
                systemProperty("cpihost.process.fixtures").value(System.getProperty("cpihost.process.fixtures")),
                bundle(bundles.resolve("bridge.process.jar").toUri().toString()));
    }

    private static Path fixture(String name) {
        return Path.of(System.getProperty("cpihost.process.fixtures")).resolve(name).toAbsolutePath();
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "cfg", ".part");
        Files.writeString(temp, text);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    public void aConfigurationFileCreatesUpdatesAndRemovesAnInstance() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        Path cfg = extensionsFolder().resolve("io.cpihost.bridge.process-fixture.cfg");
        writeAtomically(cfg, "name=fixture\nexecutable=" + fixture("fixture-cpi") + "\ntimeout=10\n");
        ExtensionInfo info = awaitValue("fixture registered", WAIT, () -> registry.info("fixture").orElse(null));
        assertEquals("process", info.providerType());
        assertEquals("io.cpihost.bridge.process", info.bundleSymbolicName());
        assertTrue(info.actions().toString(), info.actions().contains("create_vm"));

        ActionResult vm = registry.invoke("fixture", "create_vm", Map.of("agent_id", "a-1", "stemcell_cid", "sc-1",
                "cloud_properties", Map.of(), "networks", Map.of(), "disk_cids", List.of(), "environment", Map.of()),
                null);
        assertTrue(String.valueOf(vm), vm.isSuccess());
        assertTrue("API v2 answers [vm_cid, networks]: " + vm.value(), vm.value() instanceof List);

        writeAtomically(cfg, "name=fixture\nexecutable=" + fixture("fixture-cpi")
                + "\ntimeout=10\narguments=--api-version 1\n");
        await("the edited configuration speaks API v1", WAIT, () -> {
            ActionResult r = registry.invoke("fixture", "create_vm", Map.of("agent_id", "a-1", "stemcell_cid",
                    "sc-1", "cloud_properties", Map.of(), "networks", Map.of(), "disk_cids", List.of(),
                    "environment", Map.of()), null);
            return r.isSuccess() && r.value() instanceof String;
        });

        Files.delete(cfg);
        await("fixture gone", WAIT, () -> registry.info("fixture").isEmpty());
    }

    @Test
    public void aMissingExecutableIsListedWithTheReason() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        Path cfg = extensionsFolder().resolve("io.cpihost.bridge.process-nope.cfg");
        writeAtomically(cfg, "name=nope\nexecutable=/nope/cpi\n");
        ExtensionInfo info = awaitValue("nope listed", WAIT, () -> registry.info("nope").orElse(null));
        assertEquals(ExtensionInfo.State.ERROR, info.state());
        assertTrue(info.reason(), info.reason().contains("'/nope/cpi' does not exist"));
        ActionResult call = registry.invoke("nope", "info", Map.of(), null);
        assertFalse(call.isSuccess());
        assertTrue(registry.invoke("memory", "info", Map.of(), null).isSuccess());
        Files.delete(cfg);
        await("nope gone", WAIT, () -> registry.info("nope").isEmpty());
    }

    @Test
    public void aSelfDescribingExecutableDroppedIntoTheFolderIsRegisteredOnce() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        Path dropped = extensionsFolder().resolve("aws-cpi");
        Path temp = Files.createTempFile(extensionsFolder().getParent(), "exe", ".part");
        Files.copy(fixture("fixture-cpi"), temp, StandardCopyOption.REPLACE_EXISTING);
        temp.toFile().setExecutable(true);
        Files.move(temp, dropped, StandardCopyOption.ATOMIC_MOVE);
        Files.copy(fixture("libfixture.so"), extensionsFolder().resolve("libfixture.so"));

        // the same program under a name that makes it deny being a CPI: logged and skipped
        Path notCpi = extensionsFolder().resolve("dns-nocpi");
        Files.copy(fixture("fixture-cpi"), notCpi);
        notCpi.toFile().setExecutable(true);

        ExtensionInfo info = awaitValue("aws-cpi registered", WAIT, () -> registry.info("aws-cpi").orElse(null));
        assertEquals("process", info.providerType());
        await("cpi:deployments shows both", WAIT, () -> {
            try {
                String report = shell("cpi:deployments -a");
                return report.contains("process extension 'aws-cpi' ACTIVE")
                        && report.contains("dns-nocpi") && report.contains("did not describe itself as a CPI");
            } catch (Exception e) {
                return false;
            }
        });
        Files.delete(notCpi);
        assertTrue(registry.invoke("aws-cpi", "info", Map.of(), null).isSuccess());
        assertEquals(1, registry.list().stream().filter(i -> i.name().equals("aws-cpi")).count());
        assertTrue("a shared library is not an executable CPI",
                registry.list().stream().noneMatch(i -> i.name().contains("libfixture")
                        && i.providerType().equals("process")));

        Files.delete(dropped);
        Files.delete(extensionsFolder().resolve("libfixture.so"));
        await("aws-cpi gone", WAIT, () -> registry.info("aws-cpi").isEmpty());
    }
}
