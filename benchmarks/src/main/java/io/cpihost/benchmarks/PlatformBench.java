package io.cpihost.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The whole-platform figures, measured on the built distribution ({@code run/target/cpihost}):
 *
 * <ol>
 * <li>{@code launch}: {@code java -jar cpihost.jar} with {@code cpi:list} piped in, from process
 * start until the listing (with the dropped {@code versioned} provider) is on stdout; median of 5.
 * Baseline in the same run: a JVM that prints one line ({@link Hello}).
 * <li>{@code drop}: the versioned provider's jar moved into the watched folder of a running
 * distribution with a new Bundle-Version, until {@code cpi:call versioned version} answers that
 * version; p50/p99 of 20 drops, driven through stdin/stdout.
 * <li>{@code update}: Felix started in this JVM with the distribution's bundles; 2 threads call
 * {@code versioned work millis=1} through the registry while the jar is replaced 100 times;
 * calls, failures, latency; baseline: the same load without updates.
 * </ol>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ... (JMH), or:
 * java -cp benchmarks/target/benchmarks.jar io.cpihost.benchmarks.PlatformBench [launch|drop|update|all]
 * </pre>
 */
public final class PlatformBench {

    private static final Pattern READY = Pattern.compile("CPI Host ready in (\\d+) ms");
    /** Held so the level survives: JUL keeps loggers only weakly. */
    private static final Logger QUIET = Logger.getLogger("io.cpihost");

    private final Path distribution;
    private final VersionedJar versioned;
    private final Path work;
    private final Map<String, String> results = new LinkedHashMap<>();

    private PlatformBench() throws IOException {
        this.distribution = BenchPaths.distribution();
        this.versioned = new VersionedJar(BenchPaths.versionedJar());
        this.work = BenchPaths.scratch("platform-bench");
        deleteTree(work);
        Files.createDirectories(work);
    }

    /**
     * Runs the chosen parts.
     *
     * @param args {@code launch}, {@code drop}, {@code update} or {@code all} (default); counts
     *        with {@code -Dlaunches=5 -Ddrops=20 -Dupdates=100}
     */
    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "all" : args[0];
        if (what.equals("profile-launch")) {
            profileLaunch();
            System.exit(0);
        }
        PlatformBench bench = new PlatformBench();
        System.out.println("distribution: " + bench.distribution);
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        if (what.equals("all") || what.equals("launch")) {
            bench.launch(Integer.getInteger("launches", 5));
        }
        if (what.equals("all") || what.equals("drop")) {
            bench.drop(Integer.getInteger("drops", 20));
        }
        if (what.equals("all") || what.equals("update")) {
            bench.update(Integer.getInteger("updates", 100));
        }
        System.out.println();
        System.out.println("== results ==");
        bench.results.forEach((key, value) -> System.out.println(key + ": " + value));
        System.exit(0);
    }

    // ------------------------------------------------------------------ (i) launch

    private void launch(int runs) throws Exception {
        System.out.println();
        System.out.println("== launch -> shell ready with providers listed (" + runs + " runs) ==");
        List<Long> baseline = new ArrayList<>();
        List<Long> listed = new ArrayList<>();
        List<Long> ready = new ArrayList<>();
        List<Long> exited = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            baseline.add(helloJvm());
            Path run = work.resolve("launch-" + i);
            Path extensions = run.resolve("extensions");
            Files.createDirectories(extensions);
            Files.copy(BenchPaths.versionedJar(), extensions.resolve("versioned.jar"));
            AtomicLong listedAt = new AtomicLong();
            AtomicLong readyMillis = new AtomicLong(-1);
            ShellProcess shell = ShellProcess.start(distribution, run, extensions, line -> {
                // the table is sorted by name: "versioned" is the last of the three providers
                if (line.startsWith("versioned ") && listedAt.get() == 0) {
                    listedAt.set(System.nanoTime());
                }
            }, line -> {
                Matcher matcher = READY.matcher(line);
                if (matcher.find()) {
                    readyMillis.set(Long.parseLong(matcher.group(1)));
                }
            });
            shell.write("cpi:list\n");
            shell.closeInput();
            int code = shell.waitFor(60_000);
            long end = System.nanoTime();
            if (listedAt.get() == 0) {
                throw new IllegalStateException("Run " + i + " never listed the versioned provider (exit " + code
                        + "); stderr: " + shell.stderr());
            }
            listed.add(listedAt.get() - shell.startNanos());
            exited.add(end - shell.startNanos());
            ready.add(TimeUnit.MILLISECONDS.toNanos(readyMillis.get()));
            System.out.printf("run %d: listed after %.0f ms (launcher says ready in %d ms), exited after %.0f ms;"
                    + " bare JVM %.0f ms%n", i, (listedAt.get() - shell.startNanos()) / 1e6, readyMillis.get(),
                    (end - shell.startNanos()) / 1e6, baseline.get(baseline.size() - 1) / 1e6);
        }
        System.out.println("profile of one launch (the launcher's steps replayed in a fresh JVM, slowest first):");
        Process profile = new ProcessBuilder(ShellProcess.javaExecutable(), "-cp",
                System.getProperty("java.class.path"), PlatformBench.class.getName(), "profile-launch")
                .redirectErrorStream(true).start();
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                profile.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            lines.lines().filter(line -> line.startsWith("profile:")).forEach(System.out::println);
        }
        if (!profile.waitFor(120, TimeUnit.SECONDS)) {
            profile.destroyForcibly();
            System.out.println("profile: did not finish within 120 s");
        }
        Stats listedStats = new Stats(listed);
        Stats baselineStats = new Stats(baseline);
        results.put("launch->listed median", String.format("%.0f ms (min %.0f, max %.0f); bare JVM hello median"
                + " %.0f ms; ratio %.1fx; launcher 'ready in' median %.0f ms; process exit median %.0f ms",
                listedStats.medianMillis(), listedStats.minMillis(), listedStats.maxMillis(),
                baselineStats.medianMillis(), listedStats.medianMillis() / baselineStats.medianMillis(),
                new Stats(ready).medianMillis(), new Stats(exited).medianMillis()));
    }

    /**
     * Where the launch time goes: the launcher's steps replayed in this (fresh) JVM, each timed.
     * Run in its own JVM by {@link #launch}, so class loading and JIT are as cold as in a launch.
     */
    private static void profileLaunch() {
        try {
            profileLaunchSteps();
        } catch (Throwable t) {
            System.out.println("profile: failed: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void profileLaunchSteps() throws Exception {
        long jvmStartMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainMillis = System.currentTimeMillis();
        QUIET.setLevel(Level.WARNING);
        Path run = BenchPaths.scratch("platform-bench").resolve("profile-" + ProcessHandle.current().pid());
        Path extensions = Files.createDirectories(run.resolve("extensions"));
        Files.copy(BenchPaths.versionedJar(), extensions.resolve("versioned.jar"));
        long start = System.nanoTime();
        try (InJvmPlatform platform = InJvmPlatform.start(BenchPaths.distribution(), extensions,
                Files.createDirectories(run.resolve("storage")))) {
            long started = System.nanoTime();
            InJvmPlatform.Registry registry = platform.registry(30_000);
            awaitVersion(registry, null, 30_000);
            long list = System.nanoTime();
            int listed = registry.listSize();
            long listedAt = System.nanoTime();
            System.out.printf("profile: JVM start -> main %d ms%n", mainMillis - jvmStartMillis);
            platform.phases().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> System.out.printf("profile: %-75s %6.1f ms%n", e.getKey(), e.getValue() / 1e6));
            System.out.printf("profile: %-75s %6.1f ms%n", "all steps of the start", (started - start) / 1e6);
            System.out.printf("profile: %-75s %6.1f ms%n", "then: versioned answers", (list - started) / 1e6);
            System.out.printf("profile: %-75s %6.1f ms%n", "then: registry.list() (" + listed + " extensions)",
                    (listedAt - list) / 1e6);
        }
        deleteTree(run);
    }

    /** A JVM printing one line: wall time from process start to the line. */
    private static long helloJvm() throws IOException, InterruptedException {
        Path classes = Path.of(Hello.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(ShellProcess.javaExecutable(), "-cp", classes.toString(),
                Hello.class.getName()).redirectErrorStream(true).start();
        process.getInputStream().read();
        long nanos = System.nanoTime() - start;
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        process.waitFor();
        return nanos;
    }

    // ------------------------------------------------------------------ (ii) drop -> call

    private void drop(int drops) throws Exception {
        System.out.println();
        System.out.println("== bundle dropped -> first successful call (" + drops + " drops, via stdin/stdout) ==");
        Path run = work.resolve("drop");
        Path extensions = run.resolve("extensions");
        Files.createDirectories(extensions);
        Files.copy(BenchPaths.versionedJar(), extensions.resolve("versioned.jar"));
        List<Long> times = new ArrayList<>();
        List<Long> roundTrips = new ArrayList<>();
        int oldAnswers = 0;
        int errors = 0;
        try (ShellProcess shell = ShellProcess.start(distribution, run, extensions, line -> { }, line -> { })) {
            List<String> listing = shell.command("cpi:list", 60_000);
            if (listing.stream().noneMatch(line -> line.startsWith("versioned "))) {
                throw new IllegalStateException("The versioned provider is not listed: " + listing);
            }
            // baseline: the round trip of one call through the shell, no drop
            for (int i = 0; i < 50; i++) {
                long start = System.nanoTime();
                shell.command("cpi:call versioned version", 10_000);
                roundTrips.add(System.nanoTime() - start);
            }
            for (int i = 1; i <= drops; i++) {
                String version = "1.0." + (100 + i);
                String expected = "\"" + version + "\"";
                Path prepared = versioned.prepare(version, run);
                // start at a random phase of FileInstall's 100 ms poll
                Thread.sleep(ThreadLocalRandom.current().nextInt(150));
                int errorsBefore = shell.stderr().size();
                long start = System.nanoTime();
                VersionedJar.drop(prepared, extensions);
                long until = start + TimeUnit.SECONDS.toNanos(30);
                while (true) {
                    List<String> answer = shell.command("cpi:call versioned version", 30_000);
                    if (answer.contains(expected)) {
                        break;
                    }
                    oldAnswers++;
                    if (System.nanoTime() > until) {
                        throw new IllegalStateException("Version " + version + " did not answer within 30 s; last"
                                + " answer " + answer + "; stderr " + shell.stderr());
                    }
                }
                long nanos = System.nanoTime() - start;
                times.add(nanos);
                errors += (int) shell.stderr().subList(errorsBefore, shell.stderr().size()).stream()
                        .filter(line -> line.startsWith("Error:")).count();
                System.out.printf("drop %2d (%s): first call answered after %.0f ms%n", i, version, nanos / 1e6);
            }
            shell.write("exit\n");
        }
        Stats stats = new Stats(times);
        Stats trips = new Stats(roundTrips);
        results.put("drop->first call", String.format("p50 %.0f ms, p99 %.0f ms (%s); shell round trip of one call"
                + " p50 %.1f ms; %d calls answered the old version meanwhile, %d answered an error",
                stats.medianMillis(), stats.percentileMillis(99), stats.summary(), trips.medianMillis(), oldAnswers,
                errors));
    }

    // ------------------------------------------------------------------ (iii) updates under load

    private void update(int updates) throws Exception {
        System.out.println();
        System.out.println("== " + updates + " updates of a provider under 2-thread load (Felix in this JVM) ==");
        QUIET.setLevel(Level.WARNING);
        Path run = work.resolve("update");
        Path extensions = run.resolve("extensions");
        Files.createDirectories(extensions);
        Files.copy(BenchPaths.versionedJar(), extensions.resolve("versioned.jar"));
        Path storage = Files.createDirectories(run.resolve("storage"));
        try (InJvmPlatform platform = InJvmPlatform.start(distribution, extensions, storage)) {
            InJvmPlatform.Registry registry = platform.registry(30_000);
            awaitVersion(registry, null, 30_000);

            Load baseline = new Load(registry, 2);
            Thread.sleep(5_000);
            baseline.stop();
            System.out.println("baseline, no updates: " + baseline.describe());

            Load load = new Load(registry, 2);
            List<Long> dropTimes = new ArrayList<>();
            for (int i = 1; i <= updates; i++) {
                String version = "1.0." + (200 + i);
                Path prepared = versioned.prepare(version, run);
                long start = System.nanoTime();
                VersionedJar.drop(prepared, extensions);
                awaitVersion(registry, version, 30_000);
                dropTimes.add(System.nanoTime() - start);
                if (i % 10 == 0) {
                    System.out.printf("%d updates done; %d calls so far, %d failed%n", i, load.calls.get(),
                            load.failures.get());
                }
            }
            load.stop();
            System.out.println("under updates: " + load.describe());
            Stats drops = new Stats(dropTimes);
            results.put("updates under load", String.format("%d updates; %d calls, %d failed%s; latency p50 %.2f ms,"
                    + " p99 %.2f ms, max %.1f ms; baseline without updates (same run): %d calls, %d failed, p50"
                    + " %.2f ms, p99 %.2f ms, max %.1f ms; drop->new version under load p50 %.0f ms, p99 %.0f ms",
                    updates, load.calls.get(), load.failures.get(), load.firstFailures(),
                    load.latency().medianMillis(), load.latency().percentileMillis(99), load.latency().maxMillis(),
                    baseline.calls.get(), baseline.failures.get(), baseline.latency().medianMillis(),
                    baseline.latency().percentileMillis(99), baseline.latency().maxMillis(), drops.medianMillis(),
                    drops.percentileMillis(99)));
        }
    }

    private static void awaitVersion(InJvmPlatform.Registry registry, String version, long timeoutMillis)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            InJvmPlatform.Result result = registry.invoke("versioned", "version", Map.of());
            if (result.success() && (version == null || version.equals(result.value()))) {
                return;
            }
            if (System.nanoTime() > until) {
                throw new IllegalStateException("The versioned provider did not answer " + version + " within "
                        + timeoutMillis + " ms; last " + result);
            }
            Thread.sleep(2);
        }
    }

    /** Threads calling {@code versioned work millis=1} until stopped. */
    private static final class Load {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();
        private final List<long[]> latencies = new ArrayList<>();
        private final List<String> failureMessages = new ArrayList<>();
        private final List<Integer> counts = new ArrayList<>();

        Load(InJvmPlatform.Registry registry, int threadCount) {
            Map<String, Object> params = Map.of("millis", 1);
            for (int t = 0; t < threadCount; t++) {
                final int index = t;
                latencies.add(new long[1 << 16]);
                counts.add(0);
                Thread thread = new Thread(() -> {
                    long[] mine = latencies.get(index);
                    int n = 0;
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        InJvmPlatform.Result result = registry.invoke("versioned", "work", params);
                        long nanos = System.nanoTime() - start;
                        if (n == mine.length) {
                            mine = java.util.Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = nanos;
                        calls.incrementAndGet();
                        if (!result.success()) {
                            failures.incrementAndGet();
                            synchronized (failureMessages) {
                                if (failureMessages.size() < 5) {
                                    failureMessages.add(result.error());
                                }
                            }
                        }
                    }
                    synchronized (latencies) {
                        latencies.set(index, mine);
                        counts.set(index, n);
                    }
                }, "load-" + t);
                threads.add(thread);
                thread.start();
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join();
            }
        }

        Stats latency() {
            synchronized (latencies) {
                List<Long> all = new ArrayList<>();
                for (int t = 0; t < latencies.size(); t++) {
                    long[] values = latencies.get(t);
                    for (int i = 0; i < counts.get(t); i++) {
                        all.add(values[i]);
                    }
                }
                return new Stats(all);
            }
        }

        String firstFailures() {
            synchronized (failureMessages) {
                return failureMessages.isEmpty() ? "" : " " + failureMessages;
            }
        }

        String describe() {
            return calls.get() + " calls, " + failures.get() + " failed" + firstFailures() + "; latency "
                    + latency().summary();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
