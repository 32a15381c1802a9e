package io.cpihost.api.bosh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;

class BoshCpiAdapterTest {

    private final RecordingCloud cloud = new RecordingCloud();

    private ActionResult call(String action, Object... keysAndValues) {
        return call(action, CallContext.empty(), keysAndValues);
    }

    private ActionResult call(String action, CallContext context, Object... keysAndValues) {
        Map<String, Object> params = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return BoshCpiAdapter.execute(cloud, "test", action, params, context);
    }

    private static CpiError error(ActionResult result) {
        assertFalse(result.isSuccess(), () -> "expected a failure, got " + result);
        return result.error();
    }

    @Test
    void typedParametersReachTheCloud() {
        ActionResult created = call("create_vm", "agent_id", "a", "stemcell_cid", "s",
                "cloud_properties", Map.of("k", "v"), "networks", Map.of("n", Map.of()),
                "disk_cids", List.of("d1", "d2"));
        assertEquals(List.of("vm-1", Map.of("n", Map.of())), created.value());
        assertEquals(Arrays.asList("createVm", "a", "s", Map.of("k", "v"), Map.of("n", Map.of()),
                List.of("d1", "d2"), null), cloud.calls.get(0));

        assertTrue(call("create_disk", "size", new BigInteger("10"), "cloud_properties", Map.of())
                .isSuccess());
        assertEquals(List.of("createDisk", 10L, Map.of(), "none"), cloud.calls.get(1));

        assertNull(call("delete_vm", "vm_cid", "vm-1").value());
        assertEquals(true, call("has_vm", "vm_cid", "vm-1").value());
    }

    @Test
    void absentDiskCidsAreAnEmptyList() {
        call("create_vm", "agent_id", "a", "stemcell_cid", "s", "cloud_properties", Map.of(),
                "networks", Map.of());
        assertEquals(List.of(), cloud.calls.get(0).get(5));
    }

    @Test
    void desiredInstanceSizeIsUnpackedAndChecked() {
        assertEquals(Map.of("cpu", 2L, "ram", 1024L, "ephemeral_disk_size", 4096L),
                call("calculate_vm_cloud_properties", "desired_instance_size",
                        Map.of("cpu", 2, "ram", 1024, "ephemeral_disk_size", 4096L)).value());
        CpiError zero = error(call("calculate_vm_cloud_properties", "desired_instance_size",
                Map.of("cpu", 0, "ram", 1, "ephemeral_disk_size", 1)));
        assertEquals(CpiError.INVALID_PARAMETER, zero.type());
        assertEquals("Field 'cpu' of parameter 'desired_instance_size' must be a positive"
                + " integer, not 0.", zero.message());
    }

    @Test
    void parameterErrorsNameTheParameter() {
        CpiError missing = error(call("delete_vm"));
        assertEquals(CpiError.INVALID_PARAMETER, missing.type());
        assertEquals("Parameter 'vm_cid' is missing; it must be a string.", missing.message());

        CpiError wrongType = error(call("delete_vm", "vm_cid", 7));
        assertEquals(CpiError.INVALID_PARAMETER, wrongType.type());
        assertTrue(wrongType.message().startsWith("Parameter 'vm_cid' must be a string, not "),
                wrongType.message());

        CpiError element = error(call("create_vm", "agent_id", "a", "stemcell_cid", "s",
                "cloud_properties", Map.of(), "networks", Map.of(), "disk_cids", List.of("d", 3)));
        assertTrue(element.message().startsWith("Element 1 of parameter 'disk_cids' must be a"
                + " string, not "), element.message());

        CpiError huge = error(call("create_disk", "size", BigInteger.TWO.pow(64),
                "cloud_properties", Map.of()));
        assertEquals("Parameter 'size' is " + BigInteger.TWO.pow(64)
                + ", beyond the range of a 64-bit integer.", huge.message());
        assertTrue(cloud.calls.isEmpty(), "the cloud saw none of these calls");
    }

    @Test
    void cloudExceptionsPassThroughUnchanged() {
        cloud.failure = new BoshCloudException(new CpiError("Bosh::Clouds::VMNotFound",
                "VM 'x' does not exist.", true));
        CpiError error = error(call("reboot_vm", "vm_cid", "x"));
        assertEquals("Bosh::Clouds::VMNotFound", error.type());
        assertEquals("VM 'x' does not exist.", error.message());
        assertTrue(error.okToRetry());

        cloud.failure = new BoshCloudException(CpiError.NOT_FOUND, "Disk 'd' does not exist.");
        assertEquals(CpiError.of(CpiError.NOT_FOUND, "Disk 'd' does not exist."),
                error(call("delete_disk", "disk_cid", "d")));
    }

    @Test
    void otherExceptionsBecomeInternalErrors() {
        cloud.failure = new IllegalStateException("broken");
        CpiError error = error(call("has_disk", "disk_cid", "d"));
        assertEquals(CpiError.INTERNAL, error.type());
        assertTrue(error.message().startsWith("Action 'has_disk' of extension 'test' failed"
                + " unexpectedly: java.lang.IllegalStateException: broken"), error.message());

        cloud.failure = null;
        cloud.error = new StackOverflowError();
        assertEquals(CpiError.INTERNAL, error(call("has_disk", "disk_cid", "d")).type());

        // The registry decides what to do with a JVM in trouble.
        cloud.error = new OutOfMemoryError("test");
        assertThrows(OutOfMemoryError.class, () -> call("has_disk", "disk_cid", "d"));
    }

    @Test
    void readOnlyCallsRunOnlyQueries() {
        CallContext readOnly = CallContext.builder().readOnly(true).build();
        CpiError refused = error(call("delete_vm", readOnly, "vm_cid", "vm-1"));
        assertEquals(CpiError.READ_ONLY, refused.type());
        assertEquals("Action 'delete_vm' of extension 'test' changes the cloud; a read-only call"
                + " cannot run it.", refused.message());
        assertTrue(cloud.calls.isEmpty());
        assertEquals(true, call("has_vm", readOnly, "vm_cid", "vm-1").value());
    }

    @Test
    void unknownActionsAreNotImplemented() {
        for (String action : new String[] {"no_such_action", "current_vm_id", null}) {
            CpiError error = error(call(action));
            assertEquals(CpiError.NOT_IMPLEMENTED, error.type());
            assertEquals("Extension 'test' has no action '" + action + "'.", error.message());
        }
        assertTrue(BoshCpiAdapter.actionDefinition("current_vm_id").isEmpty());
        assertTrue(BoshCpiAdapter.actionDefinition(null).isEmpty());
        assertEquals(BoshCpi.v2().get(0), BoshCpiAdapter.actionDefinition("info").orElseThrow());
    }

    @Test
    void nullParametersAndContextAreEmpty() {
        assertEquals(Map.of("api_version", 2), BoshCpiAdapter.execute(cloud, "test", "info",
                null, null).value());
        assertEquals(CpiError.INVALID_PARAMETER,
                error(BoshCpiAdapter.execute(cloud, "test", "has_vm", null, null)).type());
    }

    /** Records the calls that reach it, or throws the failure it is given. */
    private static final class RecordingCloud implements BoshCloud {

        final List<List<Object>> calls = new ArrayList<>();
        RuntimeException failure;
        Error error;

        private void record(Object... call) {
            if (failure != null) {
                throw failure;
            }
            calls.add(Arrays.asList(call));
        }

        @Override
        public Map<String, Object> info() {
            return Map.of("api_version", 2);
        }

        @Override
        public String createStemcell(String imagePath, Map<String, Object> cloudProperties) {
            record("createStemcell", imagePath, cloudProperties);
            return "stemcell-1";
        }

        @Override
        public void deleteStemcell(String stemcellCid) {
            record("deleteStemcell", stemcellCid);
        }

        @Override
        public List<Object> createVm(String agentId, String stemcellCid,
                Map<String, Object> cloudProperties, Map<String, Object> networks,
                List<String> diskCids, Map<String, Object> environment) {
            record("createVm", agentId, stemcellCid, cloudProperties, networks, diskCids,
                    environment);
            return List.of("vm-1", networks);
        }

        @Override
        public void deleteVm(String vmCid) {
            record("deleteVm", vmCid);
        }

        @Override
        public boolean hasVm(String vmCid) {
            return true;
        }

        @Override
        public void rebootVm(String vmCid) {
            record("rebootVm", vmCid);
        }

        @Override
        public void setVmMetadata(String vmCid, Map<String, Object> metadata) {
            record("setVmMetadata", vmCid, metadata);
        }

        @Override
        public Map<String, Object> calculateVmCloudProperties(long cpu, long ram,
                long ephemeralDiskSize) {
            return Map.of("cpu", cpu, "ram", ram, "ephemeral_disk_size", ephemeralDiskSize);
        }

        @Override
        public String createDisk(long size, Map<String, Object> cloudProperties, String vmCid) {
            record("createDisk", size, cloudProperties, vmCid == null ? "none" : vmCid);
            return "disk-1";
        }

        @Override
        public void deleteDisk(String diskCid) {
            record("deleteDisk", diskCid);
        }

        @Override
        public void resizeDisk(String diskCid, long newSize) {
            record("resizeDisk", diskCid, newSize);
        }

        @Override
        public void updateDisk(String diskCid, long newSize, Map<String, Object> cloudProperties) {
            record("updateDisk", diskCid, newSize, cloudProperties);
        }

        @Override
        public boolean hasDisk(String diskCid) {
            if (error != null) {
                throw error;
            }
            record("hasDisk", diskCid);
            return true;
        }

        @Override
        public Object attachDisk(String vmCid, String diskCid) {
            record("attachDisk", vmCid, diskCid);
            return "/dev/sdb";
        }

        @Override
        public void detachDisk(String vmCid, String diskCid) {
            record("detachDisk", vmCid, diskCid);
        }

        @Override
        public void setDiskMetadata(String diskCid, Map<String, Object> metadata) {
            record("setDiskMetadata", diskCid, metadata);
        }

        @Override
        public List<String> getDisks(String vmCid) {
            record("getDisks", vmCid);
            return List.of();
        }

        @Override
        public String snapshotDisk(String diskCid, Map<String, Object> metadata) {
            record("snapshotDisk", diskCid, metadata);
            return "snapshot-1";
        }

        @Override
        public void deleteSnapshot(String snapshotCid) {
            record("deleteSnapshot", snapshotCid);
        }

        @Override
        public List<Object> createNetwork(Map<String, Object> networkDefinition) {
            record("createNetwork", networkDefinition);
            return List.of("network-1", Map.of());
        }

        @Override
        public void deleteNetwork(String networkCid) {
            record("deleteNetwork", networkCid);
        }
    }
}
