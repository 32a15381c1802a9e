package io.cpihost.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the platform at random moments leaves the store consistent, and the next start
 * loads it, re-adopting the VM processes that still run.
 */
class CrashConsistencyTest {

    private static final int KILLS = 5;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path temp;

    /** Every process the child JVMs started, to end after the test. */
    private final Set<ProcessHandle> started = new LinkedHashSet<>();
    private Process child;

    @AfterEach
    void endEverything() {
        if (child != null) {
            child.destroyForcibly();
        }
        for (ProcessHandle handle : started) {
            if (handle.isAlive()) {
                VmProcess.stopTree(handle, Duration.ZERO);
            }
        }
        assertEquals(List.of(), started.stream().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).toList(), "processes that outlived the test");
    }

    @Test
    void killMinusNineLeavesTheStoreConsistent() throws Exception {
        Path store = temp.resolve("store");
        Path image = Files.writeString(temp.resolve("image.img"), "crash test image");
        Path errors = temp.resolve("stderr.txt");
        Random random = new Random();
        long seed = random.nextLong();
        long totalOps = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"),
                    CrashLoopMain.class.getName(), store.toString(), image.toString(),
                    String.valueOf(seed + kill))
                    .redirectError(ProcessBuilder.Redirect.appendTo(errors.toFile()))
                    .start();
            long target = 5 + random.nextInt(30);
            AtomicLong ops = new AtomicLong(-1);
            Thread reader = new Thread(() -> read(child, ops), "crash-loop-reader");
            reader.setDaemon(true);
            reader.start();
            long start = System.nanoTime();
            Fixture.await("operation " + target + " of child " + kill, Duration.ofSeconds(20),
                    () -> ops.get() >= target || !child.isAlive());
            if (!child.isAlive()) {
                throw new AssertionError("Child " + kill + " died by itself with exit code "
                        + child.exitValue() + ":\n" + Files.readString(errors));
            }
            // Freeze it, so that the processes it started are all seen before it dies.
            new ProcessBuilder("kill", "-STOP", String.valueOf(child.pid())).start().waitFor();
            child.toHandle().descendants().forEach(started::add);
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            totalOps += ops.get();
            System.out.println("kill " + kill + " at operation " + ops.get() + " after "
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");

            List<String> problems = check(store, false);
            assertEquals(List.of(), problems, "after kill " + kill + " at operation "
                    + ops.get());
        }
        String stderr = Files.exists(errors) ? Files.readString(errors) : "";
        assertTrue(!stderr.contains("INTERNAL") && !stderr.contains("Exception"), stderr);
        assertTrue(totalOps >= KILLS * 5L, "only " + totalOps + " operations ran");

        try (Fixture fixture = new Fixture(store)) {
            LocalCpiExtension restarted = fixture.open(Map.of());
            LocalCloud cloud = restarted.cloud();
            assertEquals(List.of(), check(store, true), "after the restart");
            for (String vm : cloud.ids(Store.Kind.VM)) {
                Records.Vm record = cloud.vm(vm).orElseThrow();
                boolean running = Boolean.TRUE.equals(fixture.succeed(restarted, "has_vm",
                        Map.of("vm_cid", vm)));
                assertEquals(LocalCloud.RUNNING.equals(record.state()), running,
                        vm + ": " + record);
                if (running) {
                    assertTrue(started.contains(cloud.processes().get(vm)),
                            "re-adopted a process a child started: " + record);
                }
            }
            for (String vm : cloud.ids(Store.Kind.VM)) {
                fixture.succeed(restarted, "delete_vm", Map.of("vm_cid", vm));
            }
        }
    }

    private static void read(Process process, AtomicLong ops) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null;) {
                if (line.startsWith("op ")) {
                    ops.set(Long.parseLong(line.substring(3)));
                } else if (line.equals("ready")) {
                    ops.set(0);
                }
            }
        } catch (IOException e) {
            // The child was killed.
        }
    }

    /**
     * Checks the raw store: every record parses and names its directory, every file a record
     * refers to exists. Garbage (temporary files, directories without a record) is allowed
     * after a crash and must be gone after a start.
     */
    static List<String> check(Path store, boolean started) throws Exception {
        List<String> problems = new ArrayList<>();
        for (Store.Kind kind : Store.Kind.values()) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(
                    store.resolve(kind.directory))) {
                for (Path entry : entries) {
                    Path record = entry.resolve(kind.recordFile);
                    if (!Files.isRegularFile(record)) {
                        if (started) {
                            problems.add("garbage " + entry);
                        }
                        continue;
                    }
                    try {
                        checkResource(store, kind, entry, record, started, problems);
                    } catch (IOException | RuntimeException e) {
                        problems.add(record + ": " + e);
                    }
                }
            }
        }
        if (started) {
            try (Stream<Path> walk = Files.walk(store)) {
                walk.filter(path -> path.toString().endsWith(Store.TEMP_SUFFIX))
                        .forEach(path -> problems.add("temporary file " + path));
            }
        }
        return problems;
    }

    private static void checkResource(Path store, Store.Kind kind, Path entry, Path record,
            boolean started, List<String> problems) throws Exception {
        String cid = entry.getFileName().toString();
        switch (kind) {
            case STEMCELL -> {
                Records.Stemcell stemcell = Store.JSON.readValue(record.toFile(),
                        Records.Stemcell.class);
                expect(problems, cid.equals(stemcell.cid()), record + " names " + stemcell.cid());
                byte[] image = Files.readAllBytes(entry.resolve("image"));
                expect(problems, image.length == stemcell.sizeBytes()
                        && HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(image)).equals(stemcell.sha256()),
                        "image of " + cid + " does not match its record");
            }
            case VM -> {
                Records.Vm vm = Store.JSON.readValue(record.toFile(), Records.Vm.class);
                expect(problems, cid.equals(vm.cid()), record + " names " + vm.cid());
                for (String file : List.of("networks.json", "environment.json", "metadata.json")) {
                    Store.JSON.readValue(entry.resolve(file).toFile(), Map.class);
                }
                expect(problems, Set.of(LocalCloud.STARTING, LocalCloud.RUNNING, LocalCloud.EXITED,
                        LocalCloud.LOST).contains(vm.state()), cid + " has state " + vm.state());
                expect(problems, !LocalCloud.RUNNING.equals(vm.state()) || vm.pid() != null,
                        cid + " runs without a pid");
                expect(problems, !started || !LocalCloud.STARTING.equals(vm.state()),
                        cid + " is still starting after a start");
            }
            case DISK -> {
                Records.Disk disk = Store.JSON.readValue(record.toFile(), Records.Disk.class);
                expect(problems, cid.equals(disk.cid()), record + " names " + disk.cid());
                long size = Files.size(entry.resolve("disk.img"));
                expect(problems, started ? size == disk.sizeMib() * MIB
                        : size >= disk.sizeMib() * MIB, cid + " is " + size + " bytes, recorded "
                                + disk.sizeMib() + " MiB");
                if (disk.attachedTo() != null) {
                    Path vm = store.resolve("vms").resolve(disk.attachedTo());
                    expect(problems, Files.isRegularFile(vm.resolve("vm.json")),
                            cid + " is attached to missing VM " + disk.attachedTo());
                    Path link = vm.resolve("disks").resolve(cid);
                    expect(problems, Files.isSymbolicLink(link) && Files.exists(link),
                            cid + " is attached to " + disk.attachedTo() + " without a link");
                }
            }
            case SNAPSHOT -> {
                Records.Snapshot snapshot = Store.JSON.readValue(record.toFile(),
                        Records.Snapshot.class);
                expect(problems, cid.equals(snapshot.cid()), record + " names " + snapshot.cid());
                expect(problems, Files.size(entry.resolve("snapshot.img"))
                        == snapshot.sizeMib() * MIB, "snapshot " + cid + " has the wrong size");
            }
            case NETWORK -> {
                Records.Network network = Store.JSON.readValue(record.toFile(),
                        Records.Network.class);
                expect(problems, cid.equals(network.cid()), record + " names " + network.cid());
            }
        }
        if (started && kind == Store.Kind.VM) {
            try (DirectoryStream<Path> links = Files.newDirectoryStream(entry.resolve("disks"))) {
                for (Path link : links) {
                    expect(problems, Files.exists(link), "dangling link " + link);
                }
            }
        }
        expect(problems, Files.exists(entry, LinkOption.NOFOLLOW_LINKS), "vanished " + entry);
    }

    private static void expect(List<String> problems, boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }
}
