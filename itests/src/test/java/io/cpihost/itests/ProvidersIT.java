package io.cpihost.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;

/** The core platform in a real Felix: providers register, calls work, lifecycle is followed. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProvidersIT extends PlatformTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Configuration
    public Option[] config() {
        return platform("providers");
    }

    private static ExtensionInfo awaitInfo(CpiRegistry registry, String name) {
        return awaitValue("extension " + name, WAIT, () -> registry.info(name).orElse(null));
    }

    @Test
    public void runsInTheFrameworkThisExecutionChose() {
        String expected = System.getProperty("cpihost.framework", "felix");
        String vendor = context().getProperty("org.osgi.framework.vendor");
        assertEquals(vendor, expected.equals("equinox") ? "Eclipse" : "Apache Software Foundation", vendor);
    }

    @Test
    public void providersRegisterWithTheirBundleIdentity() {
        CpiRegistry registry = service(CpiRegistry.class);
        ExtensionInfo memory = awaitInfo(registry, "memory");
        assertEquals("java", memory.providerType());
        assertEquals("io.cpihost.provider.memory", memory.bundleSymbolicName());
        assertEquals(installedBundle("io.cpihost.provider.memory").getVersion().toString(), memory.bundleVersion());
        assertEquals(ExtensionInfo.State.ACTIVE, memory.state());
        assertTrue(memory.actions().containsAll(List.of("create_vm", "attach_disk", "get_disks", "snapshot_disk")));

        ExtensionInfo example = awaitInfo(registry, "example");
        assertEquals("io.cpihost.provider.example", example.bundleSymbolicName());
        assertTrue(example.actions().containsAll(List.of("create_worker", "delete_worker", "list_workers")));
    }

    @Test
    public void aCloudLifecycleWorksEndToEnd() {
        CpiRegistry registry = service(CpiRegistry.class);
        awaitInfo(registry, "memory");
        Object stemcell = ok(registry.invoke("memory", "create_stemcell",
                Map.of("image_path", "/tmp/image.tgz", "cloud_properties", Map.of()), null));
        Object vm = ok(registry.invoke("memory", "create_vm", Map.of("agent_id", "agent-1", "stemcell_cid", stemcell,
                "cloud_properties", Map.of(), "networks", Map.of()), null));
        String vmCid = (String) ((List<?>) vm).get(0);
        Object disk = ok(registry.invoke("memory", "create_disk",
                Map.of("size", 1024, "cloud_properties", Map.of()), null));
        ok(registry.invoke("memory", "attach_disk", Map.of("vm_cid", vmCid, "disk_cid", disk), null));
        assertEquals(List.of(disk), ok(registry.invoke("memory", "get_disks", Map.of("vm_cid", vmCid),
                CallContext.builder().readOnly(true).build())));
        assertEquals(Boolean.TRUE, ok(registry.invoke("memory", "has_vm", Map.of("vm_cid", vmCid), null)));

        ActionResult refused = registry.invoke("memory", "delete_disk", Map.of("disk_cid", disk), null);
        assertFalse("an attached disk cannot be deleted", refused.isSuccess());
        ActionResult readOnly = registry.invoke("memory", "delete_vm", Map.of("vm_cid", vmCid),
                CallContext.builder().readOnly(true).build());
        assertEquals(CpiError.READ_ONLY, readOnly.error().type());
        ok(registry.invoke("memory", "delete_vm", Map.of("vm_cid", vmCid), null));
        assertEquals(Boolean.FALSE, ok(registry.invoke("memory", "has_vm", Map.of("vm_cid", vmCid), null)));
    }

    private static Object ok(ActionResult result) {
        assertTrue("expected success, got " + result, result.isSuccess());
        return result.value();
    }

    @Test
    public void shellCommandsShowAndCallProviders() throws Exception {
        awaitInfo(service(CpiRegistry.class), "example");
        String list = shell("cpi:list");
        assertTrue(list, list.contains("memory") && list.contains("example") && list.contains("ACTIVE"));
        String call = shell("cpi:call example create_worker name=w1");
        assertTrue(call, call.contains("\""));
        String workers = shell("cpi:call example list_workers");
        assertTrue(workers, workers.contains("w1"));
        String error = shell("cpi:call memory delete_vm vm_cid=vm-none");
        assertTrue(error, error.contains("ERROR") && error.contains("vm-none"));
        String test = shell("cpi:test memory");
        assertTrue(test, test.contains(" 0 failed"));
        String stats = shell("cpi:stats");
        assertTrue(stats, stats.contains("list_workers"));
    }

    @Test
    public void stoppingAProviderBundleRemovesItAndStartingBringsItBack() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        awaitInfo(registry, "example");
        Bundle example = installedBundle("io.cpihost.provider.example");
        example.stop();
        try {
            await("example gone", WAIT, () -> registry.info("example").isEmpty());
            assertTrue(registry.list().stream().noneMatch(i -> i.name().equals("example")));
        } finally {
            example.start();
        }
        ExtensionInfo back = awaitInfo(registry, "example");
        assertEquals(ExtensionInfo.State.ACTIVE, back.state());
        assertTrue(registry.invoke("example", "list_workers", Map.of(), null).isSuccess());
    }

    @Test
    public void brokenAndClashingProvidersAreShownAndOthersKeepServing() {
        CpiRegistry registry = service(CpiRegistry.class);
        awaitInfo(registry, "memory");
        ServiceRegistration<CpiExtension> broken = context().registerService(CpiExtension.class,
                new Stub("ignored") {
                    @Override
                    public String name() {
                        throw new IllegalStateException("cannot name myself");
                    }
                }, null);
        Dictionary<String, Object> high = new Hashtable<>();
        high.put(Constants.SERVICE_RANKING, 100);
        ServiceRegistration<CpiExtension> usurper = context().registerService(CpiExtension.class,
                new Stub("memory"), high);
        try {
            ExtensionInfo failed = awaitValue("failed entry", WAIT, () -> registry.list().stream()
                    .filter(i -> i.state() == ExtensionInfo.State.FAILED).findFirst().orElse(null));
            assertTrue(failed.reason(), failed.reason().contains("cannot name myself"));
            ExtensionInfo shadowed = registry.list().stream()
                    .filter(i -> i.name().equals("memory") && i.state() == ExtensionInfo.State.SHADOWED)
                    .findFirst().orElseThrow();
            assertEquals("io.cpihost.provider.memory", shadowed.bundleSymbolicName());
            assertTrue(shadowed.reason(), shadowed.reason().contains("ranking 100"));
            assertEquals("stub", registry.invoke("memory", "ping", Map.of(), null).value());
        } finally {
            broken.unregister();
            usurper.unregister();
        }
        assertTrue(registry.invoke("memory", "info", Map.of(), null).isSuccess());
        assertTrue(registry.list().stream().noneMatch(i -> i.state() == ExtensionInfo.State.FAILED));
    }

    /** A minimal provider registered by the test itself. */
    private static class Stub implements CpiExtension {
        private final String name;

        Stub(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String providerType() {
            return TYPE_JAVA;
        }

        @Override
        public List<ActionDefinition> listActions() {
            return List.of(ActionDefinition.builder("ping").description("Answers stub.").readOnly().build());
        }

        @Override
        public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
            return ActionResult.success("stub");
        }
    }
}
