package io.cpihost.provider.local;

import java.util.List;
import java.util.Map;

/**
 * The records the store holds, one JSON file per resource. Immutable: a change writes a new
 * record. Unknown fields are ignored on reading, so that later versions may add some.
 */
final class Records {

    private Records() {
    }

    /** A stemcell: the imported image and where it came from. */
    record Stemcell(String cid, String source, long sizeBytes, String sha256,
            Map<String, Object> cloudProperties, String created) {
    }

    /**
     * A VM: what it was created with, and its process. {@code state} is one of
     * {@link LocalCloud#STARTING}, {@link LocalCloud#RUNNING}, {@link LocalCloud#EXITED} and
     * {@link LocalCloud#LOST}; {@code stateDetail} says why, in a sentence.
     */
    record Vm(String cid, String agentId, String stemcellCid, Map<String, Object> cloudProperties,
            List<String> command, List<String> diskHints, String state, String stateDetail,
            Long pid, String processCommand, String processStart, int reboots, String created) {

        Vm withProcess(String newState, String detail, VmProcess.Identity identity,
                int rebootCount) {
            return new Vm(cid, agentId, stemcellCid, cloudProperties, command, diskHints, newState,
                    detail, identity == null ? null : identity.pid(),
                    identity == null ? null : identity.command(),
                    identity == null || identity.start() == null ? null
                            : identity.start().toString(), rebootCount, created);
        }

        Vm withState(String newState, String detail) {
            return new Vm(cid, agentId, stemcellCid, cloudProperties, command, diskHints, newState,
                    detail, pid, processCommand, processStart, reboots, created);
        }

        /** The recorded process identity, or null when no process was recorded. */
        VmProcess.Identity identity() {
            return pid == null ? null : new VmProcess.Identity(pid, processCommand,
                    processStart == null ? null : java.time.Instant.parse(processStart));
        }
    }

    /** A persistent disk: a sparse file, and the VM it is attached to, if any. */
    record Disk(String cid, long sizeMib, Map<String, Object> cloudProperties,
            Map<String, Object> metadata, String vmHint, String attachedTo, String device,
            String created) {

        Disk withSize(long newSizeMib, Map<String, Object> newCloudProperties) {
            return new Disk(cid, newSizeMib, newCloudProperties, metadata, vmHint, attachedTo,
                    device, created);
        }

        Disk withAttachment(String vmCid, String newDevice) {
            return new Disk(cid, sizeMib, cloudProperties, metadata, vmHint, vmCid, newDevice,
                    created);
        }

        Disk withMetadata(Map<String, Object> newMetadata) {
            return new Disk(cid, sizeMib, cloudProperties, newMetadata, vmHint, attachedTo, device,
                    created);
        }
    }

    /** A snapshot: a copy of a disk's file when it was taken. */
    record Snapshot(String cid, String diskCid, long sizeMib, Map<String, Object> metadata,
            String created) {
    }

    /** A network: its definition, kept for the director. */
    record Network(String cid, Map<String, Object> definition, String created) {
    }
}
