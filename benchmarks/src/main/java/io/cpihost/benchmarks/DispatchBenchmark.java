package io.cpihost.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.registry.internal.RegistryAccess;
import io.cpihost.registry.internal.RegistryCore;

/**
 * Figure (a): the registry's dispatch of a trivial Java action (validation on, no deadline, one
 * string parameter) against calling the provider's {@code execute} directly.
 *
 * <ul>
 * <li>{@code direct}: the baseline, {@code extension.execute("echo", {text}, ctx)}.
 * <li>{@code registry}: {@code registry.invoke("trivial", "echo", {text}, null)}: the registry
 * assigns a request id (as for a shell or BOSH call without one), looks up, validates, counts.
 * <li>{@code registryWithRequestId}: the same with a context that already carries a request id.
 * <li>{@code requestIdAsRegistryDoesIt} and {@code requestIdStringOnly}: the parts of assigning a
 * request id, for the profile: the registry's {@code toBuilder().requestId(prefix + n).build()},
 * and the id string alone.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchBenchmark {

    private JavaExtension extension;
    private RegistryCore registry;
    private final Map<String, Object> params = Map.of("text", "hello");
    private final CallContext withRequestId = CallContext.builder().requestId("bench-1").build();
    private final AtomicLong counter = new AtomicLong();
    private final String prefix = "k3x9a-";

    /** Registers the one extension. */
    @Setup
    public void setUp() {
        extension = new JavaExtension("trivial");
        registry = RegistryAccess.newRegistry();
        RegistryAccess.add(registry, 1, extension);
        ActionResult check = registry.invoke("trivial", "echo", params, null);
        if (!check.isSuccess() || !"hello".equals(check.value())) {
            throw new IllegalStateException("The trivial extension does not answer: " + check);
        }
    }

    /**
     * Baseline: the provider called directly.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult direct() {
        return extension.execute("echo", params, CallContext.empty());
    }

    /**
     * Through the registry, which assigns a request id.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult registry() {
        return registry.invoke("trivial", "echo", params, null);
    }

    /**
     * Through the registry, with the caller's request id.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult registryWithRequestId() {
        return registry.invoke("trivial", "echo", params, withRequestId);
    }

    /**
     * Profile: the request id as {@code RegistryCore.invoke} assigns it.
     *
     * @return the context
     */
    @Benchmark
    public CallContext requestIdAsRegistryDoesIt() {
        return CallContext.empty().toBuilder().requestId(prefix + counter.incrementAndGet()).build();
    }

    /**
     * Profile: the id string alone.
     *
     * @return the id
     */
    @Benchmark
    public String requestIdStringOnly() {
        return prefix + counter.incrementAndGet();
    }
}
