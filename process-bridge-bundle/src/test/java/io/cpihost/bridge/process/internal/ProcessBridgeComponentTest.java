package io.cpihost.bridge.process.internal;

import static io.cpihost.bridge.process.internal.Fixtures.config;
import static io.cpihost.bridge.process.internal.Fixtures.context;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;

/** Configurations, valid and invalid, as ConfigAdmin hands them to the component. */
class ProcessBridgeComponentTest {

    @TempDir
    Path tmp;

    /** What the component published, and whether it was withdrawn. */
    private final List<Map<String, Object>> published = new ArrayList<>();
    private final List<CpiExtension> withdrawn = new ArrayList<>();

    private final Publisher publisher = (extension, properties) -> {
        published.add(properties);
        return () -> withdrawn.add(extension);
    };

    private ProcessBridgeComponent activate(Map<String, Object> properties) {
        return new ProcessBridgeComponent(publisher, config(properties), properties);
    }

    private static Map<String, Object> properties(Object... pairs) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("service.pid", "io.cpihost.bridge.process~aws");
        for (int i = 0; i < pairs.length; i += 2) {
            properties.put((String) pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    @Test
    void aValidConfigurationPublishesAWorkingExtensionUnderItsName() {
        ProcessBridgeComponent component = activate(properties("name", "aws",
                "executable", Fixtures.path("fixture-cpi").toString()));
        CpiExtension extension = component.extension();
        assertInstanceOf(ProcessCpi.class, extension);
        assertEquals(Map.of(CpiExtension.NAME_PROPERTY, "aws", "cpi.provider.type", "process",
                "cpi.process.executable", Fixtures.path("fixture-cpi").toString(),
                CpiExtension.SOURCE_PROPERTY, Fixtures.path("fixture-cpi").toString()), published.get(0));
        ActionResult result = extension.execute("has_vm", Map.of("vm_cid", "vm-1"), context("r"));
        assertEquals(Boolean.TRUE, result.value(), result::toString);
        component.deactivate();
        assertEquals(List.of(extension), withdrawn);
        assertEquals(CpiExtension.Health.STOPPED, extension.health());
    }

    @Test
    void aConfigurationWithoutANameFailsActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> activate(properties("executable", Fixtures.path("fixture-cpi").toString())));
        assertEquals("The process bridge configuration 'io.cpihost.bridge.process~aws' has no 'name'.", e.getMessage());
        assertTrue(published.isEmpty());
    }

    @Test
    void aMissingExecutableIsPublishedInErrorWithTheReason() {
        assertFailed(properties("name", "aws", "executable", "/x"), "executable '/x' does not exist.");
    }

    @Test
    void aNonExecutableFileIsPublishedInErrorWithTheReason() throws Exception {
        Path file = Files.writeString(tmp.resolve("cpi"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertFailed(properties("name", "aws", "executable", file.toString()),
                "executable '" + file + "' is not executable.");
    }

    @Test
    void otherInvalidSettingsNameTheOffendingSetting() {
        String exe = Fixtures.path("fixture-cpi").toString();
        assertFailed(properties("name", "a", "executable", tmp.toString()),
                "executable '" + tmp + "' is a directory, not a file.");
        assertFailed(properties("name", "a", "executable", "bin/cpi"), "executable 'bin/cpi' is not an absolute path.");
        assertFailed(properties("name", "a"), "A process bridge needs an 'executable'.");
        assertFailed(properties("name", "a", "executable", exe, "context", "{\"region\": eu}"),
                "context '{\"region\": eu}' is not a JSON object: Unrecognized token 'eu': was expecting");
        assertFailed(properties("name", "a", "executable", exe, "context", "[1]"),
                "context '[1]' is not a JSON object.");
        assertFailed(properties("name", "a", "executable", exe, "mode", "fast"),
                "mode 'fast' is neither 'per-call' nor 'persistent'.");
        assertFailed(properties("name", "a", "executable", exe, "maxConcurrency", 0),
                "maxConcurrency must be at least 1, not 0.");
        assertFailed(properties("name", "a", "executable", exe, "timeout", -1),
                "timeout must be 0 (none) or a positive number of seconds, not -1.");
        assertFailed(properties("name", "a", "executable", exe, "environment", "NOVALUE"),
                "environment entry 'NOVALUE' is not of the form NAME=VALUE.");
        assertFailed(properties("name", "a", "executable", exe, "workingDirectory", tmp.resolve("nowhere").toString()),
                "workingDirectory '" + tmp.resolve("nowhere") + "' is not a directory.");
    }

    @Test
    void cfgStyleStringsBecomeListsAndJsonIsAccepted() {
        Map<String, Object> words = properties("name", "a", "executable", "/bin/true",
                "arguments", "-configPath /etc/cpi.json", "environment", "A=1 B=x=y");
        BridgeSettings settings = BridgeSettings.fromConfig(config(words), words);
        assertEquals(List.of("-configPath", "/etc/cpi.json"), settings.arguments());
        assertEquals(Map.of("A", "1", "B", "x=y"), settings.environment());

        Map<String, Object> json = properties("name", "a", "executable", "/bin/true",
                "arguments", "[\"-configPath\", \"/etc/my cpi.json\"]", "environment", "{\"A\":\"1 2\"}",
                "mode", "persistent", "timeout", "30");
        settings = BridgeSettings.fromConfig(config(json), json);
        assertEquals(List.of("-configPath", "/etc/my cpi.json"), settings.arguments());
        assertEquals(Map.of("A", "1 2"), settings.environment());
        assertEquals(Mode.PERSISTENT, settings.mode());
        assertEquals(30, settings.timeout().toSeconds());

        Map<String, Object> array = properties("name", "a", "executable", "/bin/true",
                "arguments", new String[] {"one arg"});
        assertEquals(List.of("one arg"), BridgeSettings.fromConfig(config(array), array).arguments());
    }

    private void assertFailed(Map<String, Object> properties, String reason) {
        ProcessBridgeComponent component = activate(properties);
        CpiExtension extension = component.extension();
        assertInstanceOf(FailedExtension.class, extension);
        assertEquals(properties.get("name"), extension.name());
        assertEquals(CpiExtension.TYPE_PROCESS, extension.providerType());
        assertEquals(CpiExtension.Health.ERROR, extension.health());
        assertTrue(extension.healthDetail().startsWith(reason), extension.healthDetail());
        assertEquals(List.of(), extension.listActions());
        ActionResult result = extension.execute("create_vm", Map.of(), context("r"));
        assertEquals(CpiError.of(CpiError.UNAVAILABLE, extension.healthDetail()), result.error());
        assertEquals(properties.get("name"), published.get(published.size() - 1).get(CpiExtension.NAME_PROPERTY));
        component.deactivate();
        assertEquals(extension, withdrawn.get(withdrawn.size() - 1));
    }
}
