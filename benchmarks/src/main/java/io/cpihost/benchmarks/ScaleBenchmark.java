package io.cpihost.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CpiExtension;
import io.cpihost.api.ExtensionInfo;
import io.cpihost.registry.internal.RegistryAccess;
import io.cpihost.registry.internal.RegistryCore;

/**
 * Figure (c): the registry with 10 (baseline) and 1,000 Java extensions registered.
 *
 * <ul>
 * <li>{@code invoke}: a call to the extension in the middle of the name order (O(1) expected).
 * <li>{@code find}: the lookup alone.
 * <li>{@code info}: the info of one extension (as {@code cpi:info} shows it).
 * <li>{@code list}: every extension with its health (as {@code cpi:list} shows it); target ≤ 5 ms.
 * <li>{@code update}: one extension re-registering (a service property change or bundle update
 * at that size): the cost of a change, which rebuilds the snapshot.
 * </ul>
 * Memory per extension is measured by {@link RegistryMemory}, not here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScaleBenchmark {

    /** How many extensions are registered. */
    @Param({"10", "1000"})
    public int extensions;

    private RegistryCore registry;
    private String middle;
    private CpiExtension middleExtension;
    private long middleServiceId;
    private final Map<String, Object> params = Map.of("text", "hello");

    /** Registers the extensions. */
    @Setup
    public void setUp() {
        registry = RegistryAccess.newRegistry();
        for (int i = 0; i < extensions; i++) {
            JavaExtension extension = new JavaExtension(name(i));
            RegistryAccess.add(registry, i + 1, extension);
            if (i == extensions / 2) {
                middle = extension.name();
                middleExtension = extension;
                middleServiceId = i + 1;
            }
        }
        if (registry.list().size() != extensions || !invoke().isSuccess()) {
            throw new IllegalStateException("The registry does not hold " + extensions + " working extensions.");
        }
    }

    static String name(int i) {
        return String.format("ext-%05d", i);
    }

    /**
     * A call through the registry.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult invoke() {
        return registry.invoke(middle, "echo", params, null);
    }

    /**
     * The lookup alone.
     *
     * @return the extension
     */
    @Benchmark
    public Optional<CpiExtension> find() {
        return registry.find(middle);
    }

    /**
     * The info of one extension.
     *
     * @return the info
     */
    @Benchmark
    public Optional<ExtensionInfo> info() {
        return registry.info(middle);
    }

    /**
     * The listing.
     *
     * @return the list
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public List<ExtensionInfo> list() {
        return registry.list();
    }

    /**
     * One extension registering again (as when its service properties change).
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void update() {
        RegistryAccess.add(registry, middleServiceId, middleExtension);
    }
}
