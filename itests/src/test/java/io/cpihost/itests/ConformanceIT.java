package io.cpihost.itests;

import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import io.cpihost.api.CpiRegistry;

/**
 * {@code cpi:verify} in a real framework holds every provider kind to the same contract: Java
 * (memory, local), a BOSH CPI executable through the process bridge, and a native library.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConformanceIT extends PlatformTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Configuration
    public Option[] config() {
        Path bundles = Path.of(System.getProperty("cpihost.bundles", "target/bundles")).toAbsolutePath();
        return platform("conformance",
                systemProperty("cpihost.native").value(System.getProperty("cpihost.native")),
                bundle(bundles.resolve("conformance.jar").toUri().toString()),
                bundle(bundles.resolve("provider.local.jar").toUri().toString()),
                systemProperty("cpihost.process.fixtures").value(System.getProperty("cpihost.process.fixtures")),
                bundle(bundles.resolve("bridge.process.jar").toUri().toString()),
                bundle(bundles.resolve("jna.jar").toUri().toString()),
                bundle(bundles.resolve("bridge.native.jar").toUri().toString()));
    }

    private static String verify(String name) throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        awaitValue(name + " registered", WAIT, () -> registry.info(name).orElse(null));
        try {
            return shell("cpi:verify " + name);
        } catch (Exception e) {
            throw new AssertionError("cpi:verify " + name + " failed:\n" + e.getMessage(), e);
        }
    }

    private static void write(Path target, String text) throws IOException {
        Path temp = Files.createTempFile(target.getParent().getParent(), "cfg", ".part");
        Files.writeString(temp, text);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    public void theMemoryProviderConforms() throws Exception {
        String report = verify("memory");
        assertTrue(report, report.contains(" 0 failed") && report.contains("lifecycle.full"));
    }

    @Test
    public void theLocalProviderConforms() throws Exception {
        Path store = extensionsFolder().getParent().resolve("local-store");
        write(extensionsFolder().resolve("io.cpihost.provider.local-test.cfg"),
                "name=local\nstoreDirectory=" + store + "\n");
        String report = verify("local");
        assertTrue(report, report.contains(" 0 failed") && report.contains("lifecycle.full"));
    }

    @Test
    public void theNativeSampleConformsToWhatItClaims() throws Exception {
        Files.copy(Path.of(System.getProperty("cpihost.native")).resolve("native/libkv.so"),
                extensionsFolder().resolve("libkv.so"), StandardCopyOption.REPLACE_EXISTING);
        String report = verify("kv");
        assertTrue(report, report.contains(" 0 failed"));
    }

    @Test
    public void aBoshCpiExecutableConforms() throws Exception {
        Path state = Files.createDirectories(extensionsFolder().getParent().resolve("stateful-state"));
        write(extensionsFolder().resolve("io.cpihost.bridge.process-stateful.cfg"), "name=stateful\nexecutable="
                + Path.of(System.getProperty("cpihost.process.fixtures")).resolve("stateful-cpi").toAbsolutePath()
                + "\narguments=--state " + state + " --persistent\nmode=persistent\nmaxConcurrency=4\ntimeout=20\n");
        String report = verify("stateful");
        assertTrue(report, report.contains(" 0 failed") && report.contains("lifecycle.full"));
    }
}
