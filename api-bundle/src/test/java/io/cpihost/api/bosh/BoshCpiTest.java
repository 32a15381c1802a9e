package io.cpihost.api.bosh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ParameterDefinition;

class BoshCpiTest {

    @Test
    void readOnlyMethodsAreExactlyBoshsQueries() {
        Set<String> readOnly = BoshCpi.all().stream().filter(ActionDefinition::readOnly)
                .map(ActionDefinition::name).collect(Collectors.toSet());
        assertEquals(Set.of("info", "has_vm", "has_disk", "get_disks", "calculate_vm_cloud_properties"), readOnly);
    }

    @Test
    void argumentsAreInBoshPositionalOrder() {
        assertEquals(List.of("agent_id", "stemcell_cid", "cloud_properties", "networks", "disk_cids", "environment"),
                names("create_vm"));
        assertEquals(List.of("size", "cloud_properties", "vm_cid"), names("create_disk"));
        assertEquals(List.of("disk_cid", "new_size", "cloud_properties"), names("update_disk"));
        assertEquals(List.of("vm_cid", "disk_cid"), names("attach_disk"));
    }

    @Test
    void v2HasTwentyTwoMethodsAndV1AddsTwo() {
        assertEquals(22, BoshCpi.v2().size());
        assertEquals(List.of("configure_networks", "current_vm_id"),
                BoshCpi.v1Only().stream().map(ActionDefinition::name).toList());
        assertEquals(24, BoshCpi.all().size());
        assertTrue(BoshCpi.action("nope").isEmpty());
    }

    private static List<String> names(String action) {
        return BoshCpi.action(action).orElseThrow().parameters().stream().map(ParameterDefinition::name).toList();
    }
}
