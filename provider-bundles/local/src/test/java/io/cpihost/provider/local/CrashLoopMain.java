package io.cpihost.provider.local;

import java.util.List;
import java.util.Map;
import java.util.Random;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;

/**
 * Runs random operations against a store until it is killed: the child JVM of
 * {@link CrashConsistencyTest}. Prints {@code op N} after each operation and
 * {@code INTERNAL ...} to stderr for any error that is a bug rather than a refusal.
 *
 * <p>Arguments: the store directory, an image file, a random seed.
 */
public final class CrashLoopMain {

    private CrashLoopMain() {
    }

    public static void main(String[] args) {
        LocalCpiExtension cpi = Fixture.build(Map.of("storeDirectory", args[0], "maxVms", 3,
                "maxDiskSizeMib", 64, "stopGraceMillis", 100));
        LocalCloud cloud = cpi.cloud();
        String image = args[1];
        Random random = new Random(Long.parseLong(args[2]));
        System.out.println("ready");
        for (long op = 1;; op++) {
            List<String> stemcells = cloud.ids(Store.Kind.STEMCELL);
            List<String> vms = cloud.ids(Store.Kind.VM);
            List<String> disks = cloud.ids(Store.Kind.DISK);
            List<String> snapshots = cloud.ids(Store.Kind.SNAPSHOT);
            ActionResult result = switch (random.nextInt(13)) {
                case 0, 1 -> call(cpi, "create_stemcell", Map.of("image_path", image,
                        "cloud_properties", Map.of()));
                case 2 -> stemcells.isEmpty() ? null : call(cpi, "create_vm", Map.of(
                        "agent_id", "agent-" + op, "stemcell_cid", pick(random, stemcells),
                        "cloud_properties", Map.of(), "networks", Map.of("n", Map.of("op", op)),
                        "environment", Map.of("op", op)));
                case 3 -> vms.isEmpty() ? null : call(cpi, "delete_vm",
                        Map.of("vm_cid", pick(random, vms)));
                case 4 -> vms.isEmpty() ? null : call(cpi, "reboot_vm",
                        Map.of("vm_cid", pick(random, vms)));
                case 5, 6 -> call(cpi, "create_disk", Map.of("size", 1 + random.nextInt(8),
                        "cloud_properties", Map.of()));
                case 7 -> vms.isEmpty() || disks.isEmpty() ? null : call(cpi, "attach_disk",
                        Map.of("vm_cid", pick(random, vms), "disk_cid", pick(random, disks)));
                case 8 -> vms.isEmpty() || disks.isEmpty() ? null : call(cpi, "detach_disk",
                        Map.of("vm_cid", pick(random, vms), "disk_cid", pick(random, disks)));
                case 9 -> disks.isEmpty() ? null : call(cpi, "snapshot_disk",
                        Map.of("disk_cid", pick(random, disks), "metadata", Map.of("op", op)));
                case 10 -> disks.isEmpty() ? null : call(cpi, "resize_disk",
                        Map.of("disk_cid", pick(random, disks), "new_size", 8 + random.nextInt(8)));
                case 11 -> vms.isEmpty() ? null : call(cpi, "set_vm_metadata",
                        Map.of("vm_cid", pick(random, vms), "metadata", Map.of("op", op)));
                default -> {
                    if (!snapshots.isEmpty() && random.nextBoolean()) {
                        yield call(cpi, "delete_snapshot",
                                Map.of("snapshot_cid", pick(random, snapshots)));
                    }
                    if (!disks.isEmpty() && random.nextBoolean()) {
                        yield call(cpi, "delete_disk", Map.of("disk_cid", pick(random, disks)));
                    }
                    yield stemcells.size() < 2 ? null : call(cpi, "delete_stemcell",
                            Map.of("stemcell_cid", pick(random, stemcells)));
                }
            };
            if (result != null && !result.isSuccess()
                    && CpiError.INTERNAL.equals(result.error().type())) {
                System.err.println("INTERNAL " + result.error());
            }
            System.out.println("op " + op);
        }
    }

    private static ActionResult call(LocalCpiExtension cpi, String action,
            Map<String, Object> params) {
        return cpi.execute(action, params, CallContext.empty());
    }

    private static String pick(Random random, List<String> ids) {
        return ids.get(random.nextInt(ids.size()));
    }
}
