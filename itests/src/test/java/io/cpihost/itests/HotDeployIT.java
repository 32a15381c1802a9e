package io.cpihost.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiRegistry;
import io.cpihost.api.ExtensionInfo;

/**
 * The watched folder in a real Felix with FileInstall: jars dropped, replaced under load and
 * deleted; bad artifacts shown with their reason while everything else keeps serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT extends PlatformTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Configuration
    public Option[] config() {
        return platform("hotdeploy");
    }

    @After
    public void emptyTheFolder() throws IOException {
        try (var files = Files.list(extensionsFolder())) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        CpiRegistry registry = service(CpiRegistry.class);
        await("dropped extensions gone", WAIT, () -> registry.info("versioned").isEmpty()
                && registry.list().stream().noneMatch(i -> i.bundleSymbolicName().startsWith("io.cpihost.testbundle")));
    }

    /** Writes the versioned provider's jar with another Bundle-Version, atomically, as a completed copy. */
    private static Path dropVersioned(String version) throws IOException {
        Path source = bundlesFolder().resolve("testbundle.versioned.jar");
        Path temp = Files.createTempFile(extensionsFolder().getParent(), "versioned", ".part");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(source));
                OutputStream out = Files.newOutputStream(temp)) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    jar.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        Path target = extensionsFolder().resolve("versioned.jar");
        return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Object version(CpiRegistry registry) {
        ActionResult result = registry.invoke("versioned", "version", Map.of(), null);
        return result.isSuccess() ? result.value() : null;
    }

    @Test
    public void aDroppedJarIsCallableAndDeletingItRemovesIt() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        long start = System.nanoTime();
        dropVersioned("1.0.1");
        await("versioned 1.0.1 answers", WAIT, () -> "1.0.1".equals(version(registry)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue("callable " + millis + " ms after the drop", millis < 5000);
        Bundle bundle = installedBundle("io.cpihost.testbundle.versioned");
        assertEquals(Bundle.ACTIVE, bundle.getState());

        Files.delete(extensionsFolder().resolve("versioned.jar"));
        await("versioned gone", WAIT, () -> registry.info("versioned").isEmpty());
        await("bundle uninstalled", WAIT, () -> bundle.getState() == Bundle.UNINSTALLED);
    }

    @Test
    public void aCopyInProgressIsNeverInstalled() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        Path complete = dropVersioned("1.0.7");
        await("versioned 1.0.7 answers", WAIT, () -> "1.0.7".equals(version(registry)));
        Files.delete(complete);
        await("versioned gone", WAIT, () -> registry.info("versioned").isEmpty());

        // A copy that stalls half-way, as over a slow network: written under NAME.part ...
        byte[] jar = Files.readAllBytes(bundlesFolder().resolve("testbundle.versioned.jar"));
        Path part = extensionsFolder().resolve("versioned.jar.part");
        Files.write(part, java.util.Arrays.copyOf(jar, jar.length / 2));
        long deadline = System.nanoTime() + Duration.ofMillis(600).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue("a half-copied file must not be installed", registry.info("versioned").isEmpty());
            for (Bundle bundle : context().getBundles()) {
                assertTrue(bundle.getLocation(), !bundle.getLocation().endsWith(".part"));
            }
            Thread.sleep(50);
        }
        // ... then completed and renamed: picked up at once.
        Files.write(part, jar);
        Files.move(part, extensionsFolder().resolve("versioned.jar"), StandardCopyOption.ATOMIC_MOVE);
        await("versioned answers after the rename", WAIT, () -> version(registry) != null);
        String report = shell("cpi:deployments");
        assertTrue(report, report.contains("0 with problems"));
    }

    @Test
    public void replacingTheJarTwentyTimesUnderLoadLosesNoCall() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        dropVersioned("1.0.0");
        await("versioned 1.0.0 answers", WAIT, () -> "1.0.0".equals(version(registry)));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Runnable load = () -> {
            while (!stop.get()) {
                ActionResult result = registry.invoke("versioned", "work", Map.of("millis", 1), null);
                calls.incrementAndGet();
                if (!result.isSuccess()) {
                    failures.add(String.valueOf(result.error()));
                }
            }
        };
        Thread first = new Thread(load, "load-1");
        Thread second = new Thread(load, "load-2");
        first.start();
        second.start();
        try {
            for (int i = 1; i <= 20; i++) {
                String version = "1.0." + (100 + i);
                dropVersioned(version);
                await("version " + version + " answers", WAIT, () -> version.equals(version(registry)));
            }
        } finally {
            stop.set(true);
            first.join(10_000);
            second.join(10_000);
        }
        assertTrue("calls made during the updates: " + calls.get(), calls.get() > 100);
        assertEquals("failed calls: " + failures, 0, failures.size());
    }

    @Test
    public void badArtifactsAreShownWithTheirReasonAndOthersKeepServing() throws Exception {
        CpiRegistry registry = service(CpiRegistry.class);
        Path folder = extensionsFolder();
        // a corrupt jar
        Files.write(folder.resolve("corrupt.jar"), "this is not a zip file".getBytes());
        // a bundle whose import nothing offers
        writeManifestOnlyBundle(folder.resolve("unresolvable.jar"), "io.cpihost.testbundle.unresolvable",
                "io.cpihost.does.not.exist");
        // providers that throw in name() and in activation, and one that claims memory's name
        Files.copy(bundlesFolder().resolve("testbundle.faulty.jar"), folder.resolve("faulty.jar"));
        // a configuration with a wrong value, and one whose PID has a typo
        Files.writeString(folder.resolve("io.cpihost.provider.example.cfg"), "name=  \n");
        Files.writeString(folder.resolve("io.cpihost.provider.memroy.cfg"), "name=typo\n");

        ExtensionInfo nameless = awaitValue("nameless provider listed as failed", WAIT, () -> registry.list().stream()
                .filter(i -> i.state() == ExtensionInfo.State.FAILED && i.reason().contains("cannot tell its name"))
                .findFirst().orElse(null));
        assertEquals("io.cpihost.testbundle.faulty", nameless.bundleSymbolicName());
        ExtensionInfo impostor = awaitValue("impostor shadowed", WAIT, () -> registry.list().stream()
                .filter(i -> i.name().equals("memory") && i.state() == ExtensionInfo.State.SHADOWED)
                .findFirst().orElse(null));
        assertEquals("io.cpihost.testbundle.faulty", impostor.bundleSymbolicName());
        assertTrue(impostor.reason(), impostor.reason().contains("io.cpihost.provider.memory"));

        await("all five problems reported", WAIT, () -> {
            try {
                String report = shell("cpi:deployments");
                return report.contains("corrupt.jar") && report.contains("unresolvable.jar")
                        && report.contains("faulty.jar")
                        && report.contains("io.cpihost.provider.example.cfg")
                        && report.contains("io.cpihost.provider.memroy.cfg");
            } catch (Exception e) {
                return false;
            }
        });
        String report = shell("cpi:deployments");
        assertTrue(report, report.contains("not a readable jar"));
        assertTrue(report, report.contains("io.cpihost.does.not.exist"));
        assertTrue(report, report.contains("BrokenActivationProvider refuses to start"));
        assertTrue(report, report.contains("blank name"));
        assertTrue(report, report.contains("no component uses PID 'io.cpihost.provider.memroy'"));

        // everything else keeps serving
        assertTrue(registry.invoke("memory", "info", Map.of(), null).isSuccess());
        assertEquals(Boolean.FALSE, registry.invoke("memory", "has_vm", Map.of("vm_cid", "x"), null).value());
        String list = shell("cpi:list");
        assertTrue(list, list.contains("FAILED") && list.contains("SHADOWED"));
    }

    private static void writeManifestOnlyBundle(Path target, String symbolicName, String importPackage)
            throws IOException {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.put(new Attributes.Name("Bundle-ManifestVersion"), "2");
        attributes.put(new Attributes.Name("Bundle-SymbolicName"), symbolicName);
        attributes.put(new Attributes.Name("Bundle-Version"), "1.0.0");
        attributes.put(new Attributes.Name("Import-Package"), importPackage);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry("README.txt"));
            jar.write("test".getBytes());
            jar.closeEntry();
        }
        Files.write(target, bytes.toByteArray());
    }
}
