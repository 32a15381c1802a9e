package io.cpihost.provider.memory;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.osgi.util.converter.Converters;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ParameterDefinition;

class MemoryCpiExtensionTest {

    private static final String MISSING = "missing-id";

    private final MemoryCpiExtension cpi = extension(Map.of());

    /** Builds the component as SCR would: config from a map, component properties merged. */
    static MemoryCpiExtension extension(Map<String, Object> configuration) {
        Map<String, Object> properties = new HashMap<>(configuration);
        MemoryCpiExtension.Config config = Converters.standardConverter().convert(properties)
                .to(MemoryCpiExtension.Config.class);
        return new MemoryCpiExtension(config);
    }

    // ---------------------------------------------------------------- identity and config

    @Test
    void defaultsNameTheExtensionMemoryOfTypeJava() {
        assertEquals("memory", cpi.name());
        assertEquals(CpiExtension.TYPE_JAVA, cpi.providerType());
        assertEquals(CpiExtension.Health.OK, cpi.health());
    }

    @Test
    void configuredNameIsUsed() {
        MemoryCpiExtension renamed = extension(Map.of("name", " mem2 "));
        assertEquals("mem2", renamed.name());
    }

    @Test
    void invalidLimitsAreRefusedNamingTheSetting() {
        IllegalArgumentException vms = assertThrows(IllegalArgumentException.class,
                () -> extension(Map.of("maxVms", 0)));
        assertTrue(vms.getMessage().contains("maxVms"), vms.getMessage());
        IllegalArgumentException disks = assertThrows(IllegalArgumentException.class,
                () -> extension(Map.of("maxDiskSizeMib", -5L)));
        assertTrue(disks.getMessage().contains("maxDiskSizeMib"), disks.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> extension(Map.of("name", " ")));
    }

    // ---------------------------------------------------------------- definitions

    @Test
    void everyActionHasItsBoshParametersInBoshOrder() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("info", List.of());
        expected.put("create_stemcell", List.of("image_path", "cloud_properties"));
        expected.put("delete_stemcell", List.of("stemcell_cid"));
        expected.put("create_vm", List.of("agent_id", "stemcell_cid", "cloud_properties",
                "networks", "disk_cids", "environment"));
        expected.put("delete_vm", List.of("vm_cid"));
        expected.put("has_vm", List.of("vm_cid"));
        expected.put("reboot_vm", List.of("vm_cid"));
        expected.put("set_vm_metadata", List.of("vm_cid", "metadata"));
        expected.put("calculate_vm_cloud_properties", List.of("desired_instance_size"));
        expected.put("create_disk", List.of("size", "cloud_properties", "vm_cid"));
        expected.put("delete_disk", List.of("disk_cid"));
        expected.put("resize_disk", List.of("disk_cid", "new_size"));
        expected.put("update_disk", List.of("disk_cid", "new_size", "cloud_properties"));
        expected.put("has_disk", List.of("disk_cid"));
        expected.put("attach_disk", List.of("vm_cid", "disk_cid"));
        expected.put("detach_disk", List.of("vm_cid", "disk_cid"));
        expected.put("set_disk_metadata", List.of("disk_cid", "metadata"));
        expected.put("get_disks", List.of("vm_cid"));
        expected.put("snapshot_disk", List.of("disk_cid", "metadata"));
        expected.put("delete_snapshot", List.of("snapshot_cid"));
        expected.put("create_network", List.of("network_definition"));
        expected.put("delete_network", List.of("network_cid"));

        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (ActionDefinition definition : cpi.listActions()) {
            actual.put(definition.name(), definition.parameters().stream()
                    .map(ParameterDefinition::name).collect(Collectors.toList()));
        }
        assertEquals(expected, actual);
    }

    @Test
    void exactlyTheQueryingActionsAreReadOnly() {
        Set<String> readOnly = cpi.listActions().stream().filter(ActionDefinition::readOnly)
                .map(ActionDefinition::name).collect(Collectors.toSet());
        assertEquals(Set.of("info", "has_vm", "has_disk", "get_disks",
                "calculate_vm_cloud_properties"), readOnly);
    }

    @Test
    void everyActionAndParameterIsDescribedAndOnlyBoshsOptionalsAreOptional() {
        Set<String> optional = Set.of("create_vm.disk_cids", "create_vm.environment",
                "create_disk.vm_cid");
        for (ActionDefinition definition : cpi.listActions()) {
            assertTrue(definition.description().endsWith("."), definition.name());
            for (ParameterDefinition parameter : definition.parameters()) {
                String key = definition.name() + "." + parameter.name();
                assertFalse(parameter.description().isBlank(), key);
                assertEquals(!optional.contains(key), parameter.required(), key);
                assertEquals(optional.contains(key), parameter.nullable(), key);
            }
        }
    }

    @Test
    void everyDeclaredActionIsImplemented() {
        for (ActionDefinition definition : cpi.listActions()) {
            ActionResult result = cpi.execute(definition.name(), Map.of(), CallContext.empty());
            if (!result.isSuccess()) {
                assertNotEquals(CpiError.NOT_IMPLEMENTED, result.error().type(), definition.name());
            }
        }
        assertEquals(cpi.listActions().get(3), cpi.actionDefinition("create_vm").orElseThrow());
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void infoNamesApiVersionTwoAndTheStemcellFormat() {
        assertEquals(Map.of("api_version", 2, "stemcell_formats", List.of("memory-raw")),
                ok("info"));
    }

    @Test
    void fullLifecycle() {
        String stemcell = (String) ok("create_stemcell", "image_path", "/tmp/image",
                "cloud_properties", Map.of());
        assertTrue(stemcell.startsWith("stemcell-"), stemcell);

        Map<String, Object> networks = Map.of("default", Map.of("type", "dynamic"));
        List<?> created = (List<?>) ok("create_vm", "agent_id", "agent-1", "stemcell_cid", stemcell,
                "cloud_properties", Map.of("instance_type", "small"), "networks", networks,
                "disk_cids", List.of(), "environment", Map.of("bosh", Map.of()));
        assertEquals(2, created.size());
        String vm = (String) created.get(0);
        assertTrue(vm.startsWith("vm-"), vm);
        assertEquals(networks, created.get(1));
        assertEquals(true, ok("has_vm", "vm_cid", vm));

        assertNull(ok("set_vm_metadata", "vm_cid", vm, "metadata", Map.of("job", "web")));
        assertNull(ok("reboot_vm", "vm_cid", vm));
        assertNull(ok("reboot_vm", "vm_cid", vm));
        MemoryCloud.VmState state = cpi.cloud().vm(vm).orElseThrow();
        assertEquals(2, state.reboots());
        assertEquals(Map.of("job", "web"), state.metadata());
        assertEquals("agent-1", state.agentId());

        String disk = (String) ok("create_disk", "size", 1024, "cloud_properties", Map.of(),
                "vm_cid", vm);
        assertTrue(disk.startsWith("disk-"), disk);
        assertEquals(true, ok("has_disk", "disk_cid", disk));
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", vm, "disk_cid", disk));
        assertEquals(List.of(disk), ok("get_disks", "vm_cid", vm));

        assertNull(ok("set_disk_metadata", "disk_cid", disk, "metadata", Map.of("director", "d")));
        String snapshot = (String) ok("snapshot_disk", "disk_cid", disk, "metadata", Map.of());
        assertTrue(snapshot.startsWith("snapshot-"), snapshot);
        assertNull(ok("delete_snapshot", "snapshot_cid", snapshot));

        assertNull(ok("detach_disk", "vm_cid", vm, "disk_cid", disk));
        assertEquals(List.of(), ok("get_disks", "vm_cid", vm));
        assertNull(ok("resize_disk", "disk_cid", disk, "new_size", 2048));
        assertNull(ok("update_disk", "disk_cid", disk, "new_size", 4096,
                "cloud_properties", Map.of("type", "ssd")));
        MemoryCloud.DiskState diskState = cpi.cloud().disk(disk).orElseThrow();
        assertEquals(4096, diskState.sizeMib());
        assertEquals(Map.of("type", "ssd"), diskState.cloudProperties());
        assertEquals(Map.of("director", "d"), diskState.metadata());

        assertNull(ok("delete_disk", "disk_cid", disk));
        assertEquals(false, ok("has_disk", "disk_cid", disk));
        assertNull(ok("delete_vm", "vm_cid", vm));
        assertEquals(false, ok("has_vm", "vm_cid", vm));
        assertNull(ok("delete_stemcell", "stemcell_cid", stemcell));

        List<?> network = (List<?>) ok("create_network", "network_definition",
                Map.of("range", "10.0.0.0/24"));
        assertEquals(Map.of(), network.get(1));
        assertNull(ok("delete_network", "network_cid", network.get(0)));

        MemoryCloud cloud = cpi.cloud();
        assertAll(() -> assertEquals(0, cloud.vmCount()),
                () -> assertEquals(0, cloud.diskCount()),
                () -> assertEquals(0, cloud.stemcellCount()),
                () -> assertEquals(0, cloud.snapshotCount()),
                () -> assertEquals(0, cloud.networkCount()));
    }

    @Test
    void optionalCreateVmParametersMayBeAbsentOrNull() {
        String stemcell = stemcell();
        ok("create_vm", "agent_id", "a", "stemcell_cid", stemcell, "cloud_properties", Map.of(),
                "networks", Map.of());
        ok("create_vm", "agent_id", "b", "stemcell_cid", stemcell, "cloud_properties", Map.of(),
                "networks", Map.of(), "disk_cids", null, "environment", null);
        assertEquals(2, cpi.cloud().vmCount());
    }

    @Test
    void createVmFromAnUnknownStemcellFailsNamingIt() {
        CpiError error = fails("create_vm", "agent_id", "agent-1", "stemcell_cid", MISSING,
                "cloud_properties", Map.of(), "networks", Map.of());
        assertEquals(MemoryCloud.VM_CREATION_FAILED, error.type());
        assertFalse(error.okToRetry());
        assertTrue(error.message().contains("'" + MISSING + "'"), error.message());
        assertEquals(0, cpi.cloud().vmCount());
    }

    @Test
    void createVmWithAnUnknownDiskHintFailsNamingIt() {
        CpiError error = fails("create_vm", "agent_id", "agent-1", "stemcell_cid", stemcell(),
                "cloud_properties", Map.of(), "networks", Map.of(), "disk_cids", List.of(MISSING));
        assertEquals(MemoryCloud.VM_CREATION_FAILED, error.type());
        assertTrue(error.message().contains("'" + MISSING + "'"), error.message());
    }

    @Test
    void createVmStopsAtTheVmLimit() {
        MemoryCpiExtension small = extension(Map.of("maxVms", 2));
        Map<String, Object> image = Map.of("image_path", "i", "cloud_properties", Map.of());
        String stemcell =
                (String) small.execute("create_stemcell", image, CallContext.empty()).value();
        Map<String, Object> params = Map.of("agent_id", "a", "stemcell_cid", stemcell,
                "cloud_properties", Map.of(), "networks", Map.of());
        assertTrue(small.execute("create_vm", params, CallContext.empty()).isSuccess());
        assertTrue(small.execute("create_vm", params, CallContext.empty()).isSuccess());
        ActionResult third = small.execute("create_vm", params, CallContext.empty());
        assertEquals(MemoryCloud.VM_CREATION_FAILED, third.error().type());
        assertTrue(third.error().message().contains("maxVms"), third.error().message());
    }

    // ---------------------------------------------------------------- not found

    static Stream<Arguments> actionsOnMissingResources() {
        Map<String, Object> none = Map.of();
        return Stream.of(
                Arguments.of("delete_stemcell", Map.of("stemcell_cid", MISSING), CpiError.NOT_FOUND),
                Arguments.of("delete_vm", Map.of("vm_cid", MISSING), MemoryCloud.VM_NOT_FOUND),
                Arguments.of("reboot_vm", Map.of("vm_cid", MISSING), MemoryCloud.VM_NOT_FOUND),
                Arguments.of("set_vm_metadata", Map.of("vm_cid", MISSING, "metadata", none),
                        MemoryCloud.VM_NOT_FOUND),
                Arguments.of("get_disks", Map.of("vm_cid", MISSING), MemoryCloud.VM_NOT_FOUND),
                Arguments.of("create_disk", Map.of("size", 1, "cloud_properties", none,
                        "vm_cid", MISSING), MemoryCloud.VM_NOT_FOUND),
                Arguments.of("delete_disk", Map.of("disk_cid", MISSING), MemoryCloud.DISK_NOT_FOUND),
                Arguments.of("resize_disk", Map.of("disk_cid", MISSING, "new_size", 10),
                        MemoryCloud.DISK_NOT_FOUND),
                Arguments.of("update_disk", Map.of("disk_cid", MISSING, "new_size", 10,
                        "cloud_properties", none), MemoryCloud.DISK_NOT_FOUND),
                Arguments.of("set_disk_metadata", Map.of("disk_cid", MISSING, "metadata", none),
                        MemoryCloud.DISK_NOT_FOUND),
                Arguments.of("snapshot_disk", Map.of("disk_cid", MISSING, "metadata", none),
                        MemoryCloud.DISK_NOT_FOUND),
                Arguments.of("delete_snapshot", Map.of("snapshot_cid", MISSING), CpiError.NOT_FOUND),
                Arguments.of("delete_network", Map.of("network_cid", MISSING), CpiError.NOT_FOUND));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("actionsOnMissingResources")
    void actionOnAMissingResourceFailsNamingIt(String action, Map<String, Object> params,
            String type) {
        ActionResult result = cpi.execute(action, params, CallContext.empty());
        assertFalse(result.isSuccess(), action);
        assertEquals(type, result.error().type());
        String message = result.error().message();
        assertTrue(message.contains("'" + MISSING + "'"), message);
        assertFalse(result.error().okToRetry());
    }

    @Test
    void attachAndDetachNameTheMissingSide() {
        String vm = vm();
        String disk = disk(10);
        CpiError noVm = fails("attach_disk", "vm_cid", MISSING, "disk_cid", disk);
        assertEquals(MemoryCloud.VM_NOT_FOUND, noVm.type());
        assertTrue(noVm.message().contains(MISSING), noVm.message());
        CpiError noDisk = fails("attach_disk", "vm_cid", vm, "disk_cid", MISSING);
        assertEquals(MemoryCloud.DISK_NOT_FOUND, noDisk.type());
        assertTrue(noDisk.message().contains(MISSING), noDisk.message());
        assertEquals(MemoryCloud.VM_NOT_FOUND,
                fails("detach_disk", "vm_cid", MISSING, "disk_cid", disk).type());
        assertEquals(MemoryCloud.DISK_NOT_FOUND,
                fails("detach_disk", "vm_cid", vm, "disk_cid", MISSING).type());
    }

    @Test
    void existenceChecksAnswerFalseForUnknownIds() {
        assertEquals(false, ok("has_vm", "vm_cid", MISSING));
        assertEquals(false, ok("has_disk", "disk_cid", MISSING));
    }

    // ---------------------------------------------------------------- attachments

    @Test
    void deletingAnAttachedDiskIsRefused() {
        String vm = vm();
        String disk = disk(10);
        ok("attach_disk", "vm_cid", vm, "disk_cid", disk);
        CpiError error = fails("delete_disk", "disk_cid", disk);
        assertEquals(CpiError.CLOUD_ERROR, error.type());
        assertEquals("Disk '" + disk + "' is attached to VM '" + vm + "'; detach it first.",
                error.message());
        assertEquals(true, ok("has_disk", "disk_cid", disk));
    }

    @Test
    void deletingAVmDetachesItsDisksWhichSurvive() {
        String vm = vm();
        String first = disk(10);
        String second = disk(10);
        ok("attach_disk", "vm_cid", vm, "disk_cid", first);
        ok("attach_disk", "vm_cid", vm, "disk_cid", second);
        ok("delete_vm", "vm_cid", vm);

        assertNull(cpi.cloud().disk(first).orElseThrow().attachedTo());
        assertEquals(0, cpi.cloud().attachedDiskCount());
        String other = vm();
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", other, "disk_cid", first));
        assertNull(ok("delete_disk", "disk_cid", second));
    }

    @Test
    void aDiskAttachedToOneVmCannotBeAttachedToAnother() {
        String vm = vm();
        String other = vm();
        String disk = disk(10);
        ok("attach_disk", "vm_cid", vm, "disk_cid", disk);
        CpiError error = fails("attach_disk", "vm_cid", other, "disk_cid", disk);
        assertEquals(CpiError.CLOUD_ERROR, error.type());
        assertTrue(error.message().contains(disk) && error.message().contains(vm)
                && error.message().contains(other), error.message());
        assertEquals(List.of(), ok("get_disks", "vm_cid", other));
    }

    @Test
    void attachingTwiceToTheSameVmAnswersTheSameDevice() {
        String vm = vm();
        String disk = disk(10);
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", vm, "disk_cid", disk));
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", vm, "disk_cid", disk));
        assertEquals(List.of(disk), ok("get_disks", "vm_cid", vm));
    }

    @Test
    void detachingADiskThatIsNotAttachedToThatVmFails() {
        String vm = vm();
        String other = vm();
        String disk = disk(10);
        CpiError loose = fails("detach_disk", "vm_cid", vm, "disk_cid", disk);
        assertEquals(MemoryCloud.DISK_NOT_ATTACHED, loose.type());
        assertEquals("Disk '" + disk + "' is not attached to VM '" + vm + "'.", loose.message());

        ok("attach_disk", "vm_cid", other, "disk_cid", disk);
        CpiError elsewhere = fails("detach_disk", "vm_cid", vm, "disk_cid", disk);
        assertEquals(MemoryCloud.DISK_NOT_ATTACHED, elsewhere.type());
        assertTrue(elsewhere.message().contains(other), elsewhere.message());
        assertEquals(List.of(disk), ok("get_disks", "vm_cid", other));
    }

    @Test
    void devicesArePerVmAndTheLowestFreeOneIsReused() {
        String vm = vm();
        String a = disk(1);
        String b = disk(1);
        String c = disk(1);
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", vm, "disk_cid", a));
        assertEquals("/dev/sdc", ok("attach_disk", "vm_cid", vm, "disk_cid", b));
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", vm(), "disk_cid", c));
        ok("detach_disk", "vm_cid", vm, "disk_cid", a);
        assertEquals("/dev/sdb", ok("attach_disk", "vm_cid", vm, "disk_cid", disk(1)));
        assertEquals("/dev/sdd", ok("attach_disk", "vm_cid", vm, "disk_cid", disk(1)));
    }

    @Test
    void deviceNamesFollowLinux() {
        assertEquals("/dev/sda", MemoryCloud.deviceName(0));
        assertEquals("/dev/sdz", MemoryCloud.deviceName(25));
        assertEquals("/dev/sdaa", MemoryCloud.deviceName(26));
        assertEquals("/dev/sdab", MemoryCloud.deviceName(27));
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void diskSizeMustBeWithinOneAndTheConfiguredMaximum() {
        MemoryCpiExtension small = extension(Map.of("maxDiskSizeMib", 100L));
        for (Object size : List.of(0, -1, 101, Long.MAX_VALUE)) {
            ActionResult result = small.execute("create_disk",
                    Map.of("size", size, "cloud_properties", Map.of()), CallContext.empty());
            assertFalse(result.isSuccess(), "size " + size);
            assertEquals(CpiError.INVALID_PARAMETER, result.error().type());
            String message = result.error().message();
            assertTrue(message.contains("'size'") && message.contains(" 1 ")
                    && message.contains("100 MiB") && message.contains(String.valueOf(size)),
                    message);
        }
        for (Object size : List.of(1, 100L, BigInteger.valueOf(50), 7.0, new BigDecimal("8"))) {
            Map<String, Object> params = Map.of("size", size, "cloud_properties", Map.of());
            assertTrue(small.execute("create_disk", params, CallContext.empty()).isSuccess(),
                    "size " + size);
        }
        assertEquals(5, small.cloud().diskCount());
    }

    @Test
    void hugeIntegersAreRefusedRatherThanWrapped() {
        // 2^64 + 10 would wrap to 10 with longValue(), a valid size.
        BigInteger huge = BigInteger.TWO.pow(64).add(BigInteger.TEN);
        CpiError error = fails("create_disk", "size", huge, "cloud_properties", Map.of());
        assertEquals(CpiError.INVALID_PARAMETER, error.type());
        assertTrue(error.message().contains(huge.toString()), error.message());
        assertEquals(0, cpi.cloud().diskCount());
    }

    @Test
    void shrinkingADiskIsNotSupported() {
        String disk = disk(100);
        CpiError resize = fails("resize_disk", "disk_cid", disk, "new_size", 50L);
        assertEquals(CpiError.NOT_SUPPORTED, resize.type());
        assertTrue(resize.message().contains(disk) && resize.message().contains("50"),
                resize.message());
        CpiError update = fails("update_disk", "disk_cid", disk, "new_size", BigInteger.valueOf(99),
                "cloud_properties", Map.of("type", "ssd"));
        assertEquals(CpiError.NOT_SUPPORTED, update.type());

        MemoryCloud.DiskState state = cpi.cloud().disk(disk).orElseThrow();
        assertEquals(100, state.sizeMib());
        assertEquals(Map.of(), state.cloudProperties());
        assertNull(ok("resize_disk", "disk_cid", disk, "new_size", 100), "same size is a no-op");
    }

    @Test
    void growingADiskBeyondTheMaximumIsRefused() {
        String disk = disk(100);
        CpiError error = fails("resize_disk", "disk_cid", disk, "new_size", 1_048_577);
        assertEquals(CpiError.INVALID_PARAMETER, error.type());
        assertTrue(error.message().contains("'new_size'") && error.message().contains(disk),
                error.message());
    }

    // ---------------------------------------------------------------- VM cloud properties

    @Test
    void calculatesCloudPropertiesForADesiredSize() {
        Map<?, ?> properties = (Map<?, ?>) ok("calculate_vm_cloud_properties",
                "desired_instance_size",
                Map.of("cpu", 2, "ram", 4096L, "ephemeral_disk_size", BigInteger.valueOf(10240)));
        assertEquals("memory.2cpu.4096mib", properties.get("instance_type"));
        assertEquals(2L, properties.get("cpu"));
        assertEquals(4096L, properties.get("ram"));
        assertEquals(10240L, properties.get("ephemeral_disk_size"));
    }

    @Test
    void desiredSizeFieldsMustBePositiveIntegers() {
        Map<String, Object> valid = Map.of("cpu", 1, "ram", 1, "ephemeral_disk_size", 1);
        for (String field : valid.keySet()) {
            for (Object bad : new Object[] {0, -3, "two", 1.5, null}) {
                Map<String, Object> size = new HashMap<>(valid);
                size.put(field, bad);
                CpiError error =
                        fails("calculate_vm_cloud_properties", "desired_instance_size", size);
                assertEquals(CpiError.INVALID_PARAMETER, error.type());
                assertTrue(error.message().contains("'" + field + "'"), error.message());
            }
        }
    }

    // ---------------------------------------------------------------- calls

    @Test
    void unknownActionIsNotImplemented() {
        CpiError error = fails("create_cluster");
        assertEquals(CpiError.NOT_IMPLEMENTED, error.type());
        assertTrue(error.message().contains("'create_cluster'"), error.message());
    }

    @Test
    void readOnlyCallsReachOnlyReadOnlyActions() {
        CallContext readOnly = CallContext.builder().readOnly(true).build();
        assertTrue(cpi.execute("has_vm", Map.of("vm_cid", MISSING), readOnly).isSuccess());
        ActionResult refused = cpi.execute("create_stemcell",
                Map.of("image_path", "i", "cloud_properties", Map.of()), readOnly);
        assertEquals(CpiError.READ_ONLY, refused.error().type());
        assertEquals(0, cpi.cloud().stemcellCount());
    }

    @Test
    void badParametersFromDirectCallersAreErrorsNotExceptions() {
        CpiError wrongType = fails("has_vm", "vm_cid", 42);
        assertEquals(CpiError.INVALID_PARAMETER, wrongType.type());
        assertEquals("Parameter 'vm_cid' must be a string, not integer.", wrongType.message());
        CpiError missing = fails("delete_vm");
        assertEquals("Parameter 'vm_cid' is missing; it must be a string.", missing.message());
        CpiError badHint = fails("create_vm", "agent_id", "a", "stemcell_cid", stemcell(),
                "cloud_properties", Map.of(), "networks", Map.of(), "disk_cids", List.of(7));
        assertTrue(badHint.message().contains("'disk_cids'"), badHint.message());
        assertTrue(cpi.execute("info", null, null).isSuccess(),
                "null params and context are allowed");
        assertEquals(CpiError.INVALID_PARAMETER,
                cpi.execute("has_disk", null, CallContext.empty()).error().type());
    }

    @Test
    void storedStateIsACopyOfWhatCallersPassed() {
        Map<String, Object> metadata = new HashMap<>(Map.of("job", "web"));
        String vm = vm();
        ok("set_vm_metadata", "vm_cid", vm, "metadata", metadata);
        metadata.put("job", "changed");
        ok("set_vm_metadata", "vm_cid", vm, "metadata", Map.of("index", 0));
        assertEquals(Map.of("job", "web", "index", 0), cpi.cloud().vm(vm).orElseThrow().metadata(),
                "later metadata merges into earlier");
        Map<String, Object> stored = cpi.cloud().vm(vm).orElseThrow().metadata();
        assertThrows(UnsupportedOperationException.class, () -> stored.put("x", 1));
    }

    // ---------------------------------------------------------------- helpers

    private String stemcell() {
        return (String) ok("create_stemcell", "image_path", "/image", "cloud_properties", Map.of());
    }

    private String vm() {
        List<?> created = (List<?>) ok("create_vm", "agent_id", "agent", "stemcell_cid", stemcell(),
                "cloud_properties", Map.of(), "networks", Map.of());
        return (String) created.get(0);
    }

    private String disk(int sizeMib) {
        return (String) ok("create_disk", "size", sizeMib, "cloud_properties", Map.of());
    }

    private ActionResult call(String action, Object... keysAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return cpi.execute(action, params, CallContext.empty());
    }

    private Object ok(String action, Object... keysAndValues) {
        ActionResult result = call(action, keysAndValues);
        assertTrue(result.isSuccess(), () -> action + " failed: " + result);
        return result.value();
    }

    private CpiError fails(String action, Object... keysAndValues) {
        ActionResult result = call(action, keysAndValues);
        assertFalse(result.isSuccess(), () -> action + " succeeded: " + result);
        return result.error();
    }
}
