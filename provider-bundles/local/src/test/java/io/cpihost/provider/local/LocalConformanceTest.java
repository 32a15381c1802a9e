package io.cpihost.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cpihost.conformance.ConformanceKit;
import io.cpihost.conformance.Report;
import io.cpihost.registry.standalone.StandaloneRegistry;

/** The local provider held to the contract every provider is held to. */
class LocalConformanceTest {

    @TempDir
    Path temp;

    @Test
    void theLocalProviderConformsAndCleansUp() {
        try (Fixture fixture = new Fixture(temp.resolve("store"));
                StandaloneRegistry registry = new StandaloneRegistry(
                        fixture.open(Map.of("maxDiskSizeMib", 1024)))) {
            LocalCpiExtension cpi = (LocalCpiExtension) registry.find("local").orElseThrow();

            Report report = new ConformanceKit(registry).withCallTimeout(Duration.ofSeconds(30))
                    .run("local");
            System.out.println(report.render());

            report.assertConforms();
            assertEquals(0, report.skipped(), report::render);
            for (Store.Kind kind : Store.Kind.values()) {
                assertEquals(List.of(), cpi.cloud().ids(kind), "left-over " + kind);
            }
            assertEquals(Map.of(), cpi.cloud().processes());
        }
    }
}
