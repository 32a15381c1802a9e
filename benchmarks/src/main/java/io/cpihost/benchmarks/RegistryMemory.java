package io.cpihost.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.cpihost.registry.internal.RegistryAccess;
import io.cpihost.registry.internal.RegistryCore;

/**
 * Figure (c), memory: the heap retained per registered extension, measured roughly as the used
 * heap after full GCs before and after. Two parts are reported separately: the extensions
 * themselves with their definitions (what their bundles hold anyway), and what the registry
 * adds for each (registration, statistics cells, listing snapshot). Also times the
 * registration of all of them, which rebuilds the snapshot on every add.
 *
 * <pre>
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar io.cpihost.benchmarks.RegistryMemory
 * </pre>
 */
public final class RegistryMemory {

    private RegistryMemory() {
    }

    /**
     * Runs the measurement.
     *
     * @param args optional counts (default 10 100 1000 2000)
     */
    public static void main(String[] args) throws InterruptedException {
        int[] counts = args.length == 0 ? new int[] {10, 100, 1000, 2000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        // warm up class loading and the JIT so the first count pays no one-off cost
        inOwnThread(200, false);
        System.out.printf("%-10s %16s %16s %18s %16s%n", "extensions", "extension B/ext", "registry B/ext",
                "register all (ms)", "last add (us)");
        for (int count : counts) {
            for (int round = 0; round < 3; round++) {
                inOwnThread(count, true);
            }
        }
    }

    /**
     * One measurement on a thread of its own: when it ends, nothing of it stays reachable from a
     * compiled frame of the caller (inlined locals of an earlier round did, and skewed the next).
     */
    private static void inOwnThread(int count, boolean print) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                measure(count, print);
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "measure-" + count);
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw new IllegalStateException("The measurement of " + count + " extensions failed.", failure[0]);
        }
    }

    private static void measure(int count, boolean print) throws InterruptedException {
        long empty = usedAfterGc();
        List<JavaExtension> extensions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            extensions.add(new JavaExtension(ScaleBenchmark.name(i)));
        }
        long withExtensions = usedAfterGc();
        RegistryCore registry = RegistryAccess.newRegistry();
        long start = System.nanoTime();
        long lastAdd = 0;
        for (int i = 0; i < count; i++) {
            long addStart = System.nanoTime();
            RegistryAccess.add(registry, i + 1, extensions.get(i));
            lastAdd = System.nanoTime() - addStart;
        }
        long registerNanos = System.nanoTime() - start;
        if (registry.list().size() != count) {
            throw new IllegalStateException("Registered " + registry.list().size() + " of " + count + ".");
        }
        long withRegistry = usedAfterGc();
        if (print) {
            System.out.printf("%-10d %16d %16d %18.1f %16.1f%n", count, (withExtensions - empty) / count,
                    (withRegistry - withExtensions) / count, registerNanos / 1e6, lastAdd / 1e3);
        }
        // both stay reachable until measured
        if (extensions.size() != registry.list().size()) {
            throw new IllegalStateException("The registry lost extensions.");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // the least used heap over a few full collections
        for (int i = 0; i < 4; i++) {
            System.gc();
            System.runFinalization();
            Thread.sleep(50);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
