package io.cpihost.bridge.process.internal;

import static io.cpihost.bridge.process.internal.Fixtures.context;
import static io.cpihost.bridge.process.internal.Fixtures.createVm;
import static io.cpihost.bridge.process.internal.Fixtures.params;
import static io.cpihost.bridge.process.internal.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.bosh.BoshCpi;

/** The per-call bridge against the well-behaved fixture CPI. */
class ProcessCpiTest {

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

    @Test
    void describesItselfAsAProcessExtensionWithTheBoshCatalog() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi"));
        assertEquals("fixture", cpi.name());
        assertEquals(CpiExtension.TYPE_PROCESS, cpi.providerType());
        assertEquals(CpiExtension.Health.OK, cpi.health());
        assertEquals(List.of("agent_id", "stemcell_cid", "cloud_properties", "networks", "disk_cids", "environment"),
                cpi.actionDefinition("create_vm").orElseThrow().parameters().stream().map(p -> p.name()).toList());
        for (String readOnly : List.of("info", "has_vm", "has_disk", "get_disks", "calculate_vm_cloud_properties")) {
            assertTrue(cpi.actionDefinition(readOnly).orElseThrow().readOnly(), readOnly);
        }
        assertFalse(cpi.actionDefinition("create_vm").orElseThrow().readOnly());
        assertEquals(24, cpi.listActions().size());
    }

    @Test
    void createVmAnswersInTheShapeOfApiVersion2() throws Exception {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi"));
        assertEquals(2, cpi.apiVersion());
        ActionResult result = cpi.execute("create_vm", createVm(), context("req-1"));
        assertTrue(result.isSuccess(), result::toString);
        List<?> value = assertInstanceOf(List.class, result.value());
        assertTrue(((String) value.get(0)).startsWith("vm-"), value::toString);
        assertEquals(Map.of(), value.get(1));
        assertTrue(result.log().contains("fixture-cpi: handling a request"), result.log());
    }

    @Test
    void cpiErrorsPassThroughWithTheirTypeRetryFlagAndLog() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi"));
        ActionResult missing = cpi.execute("delete_vm", params("vm_cid", "vm-missing"), context("req-2"));
        assertEquals(new CpiError("Bosh::Clouds::VMNotFound", "VM 'vm-missing' does not exist.", false),
                missing.error());
        assertTrue(missing.log().startsWith("fixture log\n"), missing.log());
        assertTrue(missing.log().contains("fixture-cpi: handling"), missing.log());

        ActionResult unimplemented = cpi.execute("reboot_vm", params("vm_cid", "vm-1"), context("req-3"));
        assertEquals("Bosh::Clouds::NotImplemented", unimplemented.error().type());

        assertEquals(Boolean.FALSE, cpi.execute("has_vm", params("vm_cid", "vm-missing"), context("r")).value());
        assertEquals(Boolean.TRUE, cpi.execute("has_vm", params("vm_cid", "vm-1"), context("r")).value());
        assertNull(cpi.execute("delete_vm", params("vm_cid", "vm-1"), context("r")).value());
    }

    @Test
    void anActionOutsideTheCatalogIsNotImplementedWithoutSpawning() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi"));
        ActionResult result = cpi.execute("format_disk", Map.of(), context("r"));
        assertEquals(CpiError.NOT_IMPLEMENTED, result.error().type());
        assertEquals("Extension 'fixture' has no action 'format_disk'.", result.error().message());
    }

    @Test
    void namedParametersBecomeBoshsPositionalArguments() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi"));
        Map<?, ?> echo = echo(cpi, context("req-4"));
        Map<?, ?> request = (Map<?, ?>) echo.get("request");
        assertEquals("set_vm_metadata", request.get("method"));
        assertEquals(List.of("vm-7", Map.of("deployment", "d1")), request.get("arguments"));
        assertEquals(2, request.get("api_version"));

        // Absent optional parameters are sent as null in their position, as the director does.
        assertEquals(Arrays.asList(10240, Map.of(), null), Protocol.arguments(BoshCpi.action("create_disk").orElseThrow(),
                params("cloud_properties", Map.of(), "size", 10240)));
        assertEquals(Arrays.asList("a", "s", Map.of(), Map.of(), null, Map.of("k", 1)),
                Protocol.arguments(BoshCpi.action("create_vm").orElseThrow(), params("environment", Map.of("k", 1),
                        "networks", Map.of(), "cloud_properties", Map.of(), "stemcell_cid", "s", "agent_id", "a")));
    }

    @Test
    void theContextCarriesDirectorUuidRequestIdStemcellAndConfiguredProperties() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi", "directorUuid", "dir-uuid-1",
                "context", "{\"region\":\"eu-1\",\"credentials\":{\"kind\":\"static\"}}"));
        Map<?, ?> context = (Map<?, ?>) ((Map<?, ?>) echo(cpi, context("req-5")).get("request")).get("context");
        assertEquals(Map.of("director_uuid", "dir-uuid-1", "request_id", "req-5", "region", "eu-1",
                "credentials", Map.of("kind", "static")), context);

        CallContext director = CallContext.builder().requestId("req-6").attribute(CallContext.DIRECTOR_UUID, "d-2")
                .attribute(Protocol.STEMCELL_API_VERSION, 3).build();
        context = (Map<?, ?>) ((Map<?, ?>) echo(cpi, director).get("request")).get("context");
        assertEquals("d-2", context.get("director_uuid"));
        assertEquals("req-6", context.get("request_id"));
        assertEquals(Map.of("stemcell", Map.of("api_version", 3)), context.get("vm"));
    }

    @Test
    void theEnvironmentHoldsOnlyPathTmpdirAndTheConfiguredAdditions() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi", "environment", new String[] {"CPI_REGION=eu-1",
            "CPI_EMPTY="}));
        Map<?, ?> env = (Map<?, ?>) echo(cpi, context("r")).get("env");
        assertEquals(List.of("CPI_EMPTY", "CPI_REGION", "PATH", "TMPDIR"), env.keySet().stream().map(String::valueOf)
                .sorted().toList());
        assertEquals("eu-1", env.get("CPI_REGION"));
        assertEquals(System.getenv("PATH"), env.get("PATH"));
    }

    @Test
    void argumentsAndVerbosityReachTheExecutableWithoutAShell() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi", "verbosity", 3,
                "arguments", "-configPath /etc/cpi.json $HOME;true"));
        List<?> argv = (List<?>) echo(cpi, context("r")).get("argv");
        assertEquals(List.of("--v", "3", "-configPath", "/etc/cpi.json", "$HOME;true"), argv.subList(1, argv.size()));
    }

    @Test
    void apiVersionIsTheLowerOfInfoAndThePreferredVersion() throws Exception {
        ProcessCpi v1 = start(settings("v1", "fixture-cpi", "arguments", new String[] {"--api-version", "1"}));
        assertEquals(1, v1.apiVersion());
        ActionResult created = v1.execute("create_vm", createVm(), context("r"));
        assertInstanceOf(String.class, created.value(), "v1 create_vm answers only the VM id");
        assertEquals(1, ((Map<?, ?>) echo(v1, context("r")).get("request")).get("api_version"));

        ProcessCpi silent = start(settings("silent", "fixture-cpi", "arguments", "--api-version 0"));
        assertEquals(1, silent.apiVersion(), "info without api_version means version 1");

        ProcessCpi preferred = start(settings("preferred", "fixture-cpi", "preferredApiVersion", 1));
        assertEquals(1, preferred.apiVersion());

        ProcessCpi newer = start(settings("newer", "fixture-cpi", "arguments", "--api-version 3"));
        assertEquals(2, newer.apiVersion(), "the bridge speaks no more than its preferred version");

        ProcessCpi broken = start(settings("broken", "fault-garbage"));
        assertEquals(2, broken.apiVersion(), "fault fixtures answer info properly");
    }

    @Test
    void stderrIsStreamedToTheLogAtDebugWithTheRequestId() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(StderrCollector.class.getName());
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level level = jul.getLevel();
        jul.setLevel(java.util.logging.Level.FINE);
        jul.addHandler(handler);
        try {
            ProcessCpi cpi = start(settings("logged", "fixture-cpi"));
            assertTrue(cpi.execute("has_vm", params("vm_cid", "v"), context("req-log")).isSuccess());
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("logged [req-log] stderr: fixture-cpi: handling")),
                    lines::toString);
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(level);
        }
    }

    @Test
    void aClosedInstanceRefusesCalls() {
        ProcessCpi cpi = start(settings("fixture", "fixture-cpi"));
        cpi.close();
        ActionResult result = cpi.execute("has_vm", params("vm_cid", "vm-1"), context("r"));
        assertEquals(CpiError.UNAVAILABLE, result.error().type());
        assertEquals(CpiExtension.Health.STOPPED, cpi.health());
    }

    private static Map<?, ?> echo(ProcessCpi cpi, CallContext context) {
        ActionResult result = cpi.execute("set_vm_metadata", params("vm_cid", "vm-7",
                "metadata", Map.of("deployment", "d1")), context);
        assertTrue(result.isSuccess(), result::toString);
        return (Map<?, ?>) result.value();
    }
}
