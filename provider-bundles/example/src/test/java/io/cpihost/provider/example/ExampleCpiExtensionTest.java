package io.cpihost.provider.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;

class ExampleCpiExtensionTest {

    private final ExampleCpiExtension cpi = extension(Map.of());

    /** Builds the component as SCR would: the Config from properties, no framework needed. */
    private static ExampleCpiExtension extension(Map<String, Object> configuration) {
        Map<String, Object> properties = new HashMap<>(configuration);
        ExampleCpiExtension.Config config = Converters.standardConverter().convert(properties)
                .to(ExampleCpiExtension.Config.class);
        return new ExampleCpiExtension(config);
    }

    @Test
    void isAJavaExtensionNamedExampleByDefault() {
        assertEquals("example", cpi.name());
        assertEquals(CpiExtension.TYPE_JAVA, cpi.providerType());
    }

    @Test
    void nameIsConfigurable() {
        assertEquals("workers", extension(Map.of("name", "workers")).name());
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                () -> extension(Map.of("name", "  ")));
        assertTrue(blank.getMessage().contains("blank name"), blank.getMessage());
    }

    @Test
    void onlyListWorkersIsReadOnly() {
        for (ActionDefinition definition : cpi.listActions()) {
            assertEquals(definition.name().equals("list_workers"), definition.readOnly(),
                    definition.name());
            assertFalse(definition.description().isBlank(), definition.name());
        }
        assertEquals(List.of("create_worker", "delete_worker", "list_workers"),
                cpi.listActions().stream().map(ActionDefinition::name).toList());
    }

    @Test
    void createWorkerReturnsANewIdAndDefaultsTheSize() {
        String first = (String) ok("create_worker", Map.of("name", "a"));
        String second = (String) ok("create_worker", Map.of("name", "b", "size", 3L));
        assertNotEquals(first, second);
        assertEquals(List.of(Map.of("id", first, "name", "a", "size", 1L),
                Map.of("id", second, "name", "b", "size", 3L)), ok("list_workers", Map.of()));
    }

    @Test
    void createWorkerAcceptsEveryIntegerTypeAndRefusesSizesOutOfRange() {
        ok("create_worker", Map.of("name", "i", "size", 2));
        ok("create_worker", Map.of("name", "b", "size", BigInteger.valueOf(1024)));
        // 2^64 + 5 would wrap around to a valid 5 if read with longValue().
        BigInteger huge = BigInteger.TWO.pow(64).add(BigInteger.valueOf(5));
        for (Object size : List.of(0, -1, 1025L, huge)) {
            ActionResult result = call("create_worker", Map.of("name", "x", "size", size));
            assertEquals(CpiError.INVALID_PARAMETER, result.error().type(), "size " + size);
            String message = result.error().message();
            assertTrue(message.contains("'size'") && message.contains(size.toString()), message);
        }
        assertEquals(2, ((List<?>) ok("list_workers", Map.of())).size());
    }

    @Test
    void deleteWorkerRemovesIt() {
        String id = (String) ok("create_worker", Map.of("name", "a"));
        assertNull(ok("delete_worker", Map.of("worker_id", id)));
        assertEquals(List.of(), ok("list_workers", Map.of()));
    }

    @Test
    void deletingAnUnknownWorkerIsNotFoundNamingTheId() {
        ActionResult result = call("delete_worker", Map.of("worker_id", "worker-42"));
        assertEquals(CpiError.NOT_FOUND, result.error().type());
        assertEquals("Worker 'worker-42' does not exist.", result.error().message());
    }

    @Test
    void listIsACopyThatCallersCannotUseToChangeState() {
        ok("create_worker", Map.of("name", "a"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) ok("list_workers", Map.of());
        list.get(0).put("name", "changed");
        List<?> again = (List<?>) ok("list_workers", Map.of());
        assertEquals("a", ((Map<?, ?>) again.get(0)).get("name"));
    }

    @Test
    void unknownActionIsNotImplemented() {
        ActionResult result = call("resize_worker", Map.of());
        assertEquals(CpiError.NOT_IMPLEMENTED, result.error().type());
        assertTrue(result.error().message().contains("'resize_worker'"), result.error().message());
    }

    private ActionResult call(String action, Map<String, Object> params) {
        return cpi.execute(action, params, CallContext.empty());
    }

    private Object ok(String action, Map<String, Object> params) {
        ActionResult result = call(action, params);
        assertTrue(result.isSuccess(), () -> action + " failed: " + result);
        return result.value();
    }
}
