package io.cpihost.registry.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cpihost.api.ActionDefinition;
import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.api.CpiError;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.api.ParameterDefinition.Type;

class StandaloneRegistryTest {

    private static CpiExtension named(String name) {
        return new CpiExtension() {
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
                return List.of(ActionDefinition.builder("sleep").description("Sleeps.")
                        .required("millis", Type.INTEGER, "How long.").build());
            }

            @Override
            public ActionResult execute(String action, Map<String, Object> params, CallContext context) {
                try {
                    Thread.sleep(((Number) params.get("millis")).longValue());
                    return ActionResult.success("slept");
                } catch (InterruptedException e) {
                    return ActionResult.failure(CpiError.UNAVAILABLE, "interrupted");
                }
            }
        };
    }

    @Test
    void runsThePlatformPipeline() {
        try (StandaloneRegistry registry = new StandaloneRegistry(named("a"), named("b"))) {
            assertEquals(List.of("a", "b"), registry.list().stream().map(ExtensionInfo::name).toList());
            assertEquals("slept", registry.invoke("a", "sleep", Map.of("millis", 1), null).value());
            assertEquals(CpiError.INVALID_PARAMETER,
                    registry.invoke("a", "sleep", Map.of("millis", "x"), null).error().type());
            assertEquals(CpiError.READ_ONLY, registry.invoke("a", "sleep", Map.of("millis", 1),
                    CallContext.builder().readOnly(true).build()).error().type());
            assertEquals(CpiError.TIMEOUT, registry.invoke("b", "sleep", Map.of("millis", 5000),
                    CallContext.builder().timeout(Duration.ofMillis(50)).build()).error().type());
            assertEquals(CpiError.NOT_FOUND, registry.invoke("c", "sleep", Map.of(), null).error().type());
            assertTrue(registry.statistics().size() >= 2);
        }
    }

    @Test
    void refusesBlankAndDuplicateNames() {
        assertThrows(IllegalArgumentException.class, () -> new StandaloneRegistry(named("a"), named("a")));
        assertThrows(IllegalArgumentException.class, () -> new StandaloneRegistry(named(" ")));
    }
}
