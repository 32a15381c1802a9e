package io.cpihost.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every in-framework test shares: the real bundles of the distribution (by file URL, from
 * {@code target/bundles}), the framework properties of {@code cnf/framework.properties}, and
 * helpers that wait for state instead of sleeping.
 *
 * <p>The configuration methods run outside the framework; the helpers run inside it.
 */
public abstract class PlatformTestSupport {

    /** The bundles every test gets, in start order. */
    protected static final List<String> CORE_BUNDLES = List.of("org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
            "org.apache.felix.gogo.runtime", "jackson-annotations", "jackson-core", "jackson-databind", "api",
            "registry", "provider.memory", "provider.example");

    /** Bundles started after everything else, like the launcher does. */
    protected static final List<String> LAST_BUNDLES = List.of("org.apache.felix.fileinstall");

    /**
     * The platform options: core bundles, the shared framework properties, a fresh watched folder.
     *
     * @param testName names the test's watched folder
     * @param extra more options
     * @return the options
     */
    protected static Option[] platform(String testName, Option... extra) {
        Path bundles = Path.of(System.getProperty("cpihost.bundles", "target/bundles")).toAbsolutePath();
        // One folder per test class and framework, emptied first: nothing left by an earlier run
        // may be picked up by this one.
        Path work = Path.of(System.getProperty("cpihost.work", "target/work")).toAbsolutePath()
                .resolve(System.getProperty("cpihost.framework", "felix")).resolve(testName);
        Path extensions = work.resolve("extensions");
        try {
            if (Files.exists(work)) {
                try (var paths = Files.walk(work)) {
                    for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(extensions);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create " + extensions, e);
        }
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(cleanCaches(true));
        options.add(systemProperty("cpihost.test.extensions").value(extensions.toString()));
        options.add(systemProperty("cpihost.test.bundles").value(bundles.toString()));
        for (String[] property : sharedFrameworkProperties(work, extensions)) {
            options.add(frameworkProperty(property[0]).value(property[1]));
        }
        for (String name : CORE_BUNDLES) {
            options.add(bundle(bundles.resolve(name + ".jar").toUri().toString()));
        }
        options.addAll(Arrays.asList(extra));
        for (String name : LAST_BUNDLES) {
            options.add(bundle(bundles.resolve(name + ".jar").toUri().toString()));
        }
        return options.toArray(new Option[0]);
    }

    private static List<String[]> sharedFrameworkProperties(Path work, Path extensions) {
        Path file = Path.of(System.getProperty("cpihost.cnf", "../cnf")).resolve("framework.properties");
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + file, e);
        }
        List<String[]> result = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("org.osgi.framework.storage")) {
                continue; // Pax Exam manages the framework storage
            }
            String value = properties.getProperty(key).replace("${cpihost.extensions}", extensions.toString())
                    .replace("${cpihost.home}", work.toString());
            result.add(new String[] {key, value});
        }
        return result;
    }

    // ------------------------------------------------------------------ inside the framework

    /** This test's bundle context. */
    protected static BundleContext context() {
        return FrameworkUtil.getBundle(PlatformTestSupport.class).getBundleContext();
    }

    /** The watched folder of this test. */
    protected static Path extensionsFolder() {
        return Path.of(System.getProperty("cpihost.test.extensions"));
    }

    /** The folder holding the built bundles. */
    protected static Path bundlesFolder() {
        return Path.of(System.getProperty("cpihost.test.bundles"));
    }

    /** Waits until a condition holds, polling; fails with the message after the timeout. */
    protected static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for: " + what);
            }
        }
    }

    /** Waits for a value to be present (non-null). */
    protected static <T> T awaitValue(String what, Duration timeout, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        await(what, timeout, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) holder[0];
        return value;
    }

    /** A service, waiting for it. */
    protected static <T> T service(Class<T> type) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context(), type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(10_000);
            if (service == null) {
                throw new AssertionError("No " + type.getName() + " service within 10 s.");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The installed bundle with a symbolic name. */
    protected static Bundle installedBundle(String symbolicName) {
        for (Bundle bundle : context().getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("No bundle " + symbolicName + " is installed.");
    }

    /** Runs a Gogo command as a user would type it and returns what it printed (result included). */
    protected static String shell(String command) throws Exception {
        CommandProcessor processor = service(CommandProcessor.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.println(session.format(result, 0));
            }
        } finally {
            session.close();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
