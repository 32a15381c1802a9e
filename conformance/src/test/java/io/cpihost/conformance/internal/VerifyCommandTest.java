package io.cpihost.conformance.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

import io.cpihost.registry.standalone.StandaloneRegistry;
import io.cpihost.provider.memory.MemoryCpiExtension;

class VerifyCommandTest {

    private static MemoryCpiExtension memory() {
        return new MemoryCpiExtension(Converters.standardConverter().convert(new HashMap<>(Map.of()))
                .to(MemoryCpiExtension.Config.class));
    }

    @Test
    void printsTheReportOfAConformingExtension() {
        try (StandaloneRegistry registry = new StandaloneRegistry(memory())) {
            String output = new VerifyCommand(registry).verify("memory");

            assertTrue(output.startsWith("PASS registered - java extension"), output);
            assertTrue(output.contains("\nPASS lifecycle.full - "), output);
            assertTrue(output.matches("(?s).*\nconformance memory: \\d+ passed, 0 failed, 0 skipped"),
                    output);
        }
    }

    @Test
    void failsWithTheReportWhenACheckFails() {
        try (StandaloneRegistry registry = new StandaloneRegistry(memory())) {
            VerifyCommand.VerificationFailure failure = assertThrows(
                    VerifyCommand.VerificationFailure.class,
                    () -> new VerifyCommand(registry).verify("aws"));

            assertTrue(failure.getMessage().equals("FAIL registered - No extension named 'aws' is"
                    + " registered.\nconformance aws: 0 passed, 1 failed, 0 skipped"),
                    failure.getMessage());
        }
    }
}
