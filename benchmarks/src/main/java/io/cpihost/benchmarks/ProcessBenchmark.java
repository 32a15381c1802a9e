package io.cpihost.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;
import io.cpihost.bridge.process.internal.ProcessAccess;
import io.cpihost.registry.internal.RegistryAccess;
import io.cpihost.registry.internal.RegistryCore;

/**
 * Figure (d): the process bridge with the {@code fixture-cpi} executable of its build, calling
 * {@code has_vm("vm-1")}.
 *
 * <ul>
 * <li>{@code bareSpawn}: the baseline, {@code ProcessBuilder} starting the executable with the
 * bridge's environment, writing the same request bytes to stdin, reading stdout to the end,
 * waiting for the exit (stderr discarded).
 * <li>{@code perCall}: the bridge in per-call mode ({@code ProcessCpi.execute}); target ≤ 1.15×
 * bare.
 * <li>{@code perCallRegistry}: the same through the registry.
 * <li>{@code persistent}: the bridge in persistent mode ({@code --persistent}); target ≥ 50×
 * the calls per second of per-call.
 * <li>{@code bareLine}: the floor of persistent mode, for the profile: one {@code --persistent}
 * process driven by hand on the calling thread (write the request line, flush, read the
 * response line; stderr discarded), without the bridge's reader and stderr threads.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProcessBenchmark {

    private Path executable;
    private byte[] request;
    private Map<String, String> environment;
    private ProcessAccess.Instance perCall;
    private ProcessAccess.Instance persistent;
    private RegistryCore registry;
    private Process lineProcess;
    private OutputStream lineIn;
    private java.io.BufferedReader lineOut;
    private final Map<String, Object> params = Map.of("vm_cid", "vm-1");
    private final CallContext context = CallContext.builder().requestId("bench").build();

    /** Starts both bridge instances and checks every variant answers true. */
    @Setup
    public void setUp() throws Exception {
        String dir = System.getProperty("cpihost.process.fixtures");
        executable = (dir != null ? Path.of(dir) : BenchPaths.repository().resolve("process-bridge-bundle/target/fixtures"))
                .resolve("fixture-cpi").toAbsolutePath();
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " does not exist; build it first: mvn -B -q install"
                    + " -DskipTests -pl process-bridge-bundle -am");
        }
        request = ProcessAccess.request("has_vm", List.of("vm-1"), "bench");
        environment = ProcessAccess.environment();
        perCall = ProcessAccess.perCall("fixture", executable);
        persistent = ProcessAccess.persistent("fixture-persistent", executable, List.of("--persistent"));
        registry = RegistryAccess.newRegistry();
        RegistryAccess.add(registry, 1, perCall.extension());
        for (ActionResult result : List.of(perCall(), perCallRegistry(), persistent())) {
            if (!result.isSuccess() || !Boolean.TRUE.equals(result.value())) {
                throw new IllegalStateException("The fixture does not answer has_vm with true: " + result);
            }
        }
        ProcessBuilder lines = new ProcessBuilder(executable.toString(), "--persistent");
        lines.environment().clear();
        lines.environment().putAll(environment);
        lines.redirectError(ProcessBuilder.Redirect.DISCARD);
        lineProcess = lines.start();
        lineIn = lineProcess.getOutputStream();
        lineOut = new java.io.BufferedReader(new java.io.InputStreamReader(lineProcess.getInputStream(),
                StandardCharsets.UTF_8));
        if (!bareLine().contains("true")) {
            throw new IllegalStateException("The bare persistent process does not answer true: " + bareLine());
        }
        if (!bareSpawn().contains("true")) {
            throw new IllegalStateException("The bare spawn does not answer true: " + bareSpawn());
        }
    }

    /** Stops the instances (and the persistent processes). */
    @TearDown
    public void tearDown() throws Exception {
        perCall.closer().close();
        persistent.closer().close();
        lineIn.close();
        lineProcess.waitFor(5, TimeUnit.SECONDS);
        lineProcess.destroyForcibly();
    }

    /**
     * Baseline: one process, the request on stdin, the response from stdout.
     *
     * @return the response
     */
    @Benchmark
    public String bareSpawn() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(executable.toString());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(request);
        }
        String response;
        try (InputStream stdout = process.getInputStream()) {
            response = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        process.waitFor();
        return response;
    }

    /**
     * The bridge, per-call mode.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult perCall() {
        return perCall.extension().execute("has_vm", params, context);
    }

    /**
     * The bridge, per-call mode, through the registry.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult perCallRegistry() {
        return registry.invoke("fixture", "has_vm", params, context);
    }

    /**
     * The bridge, persistent mode.
     *
     * @return the result
     */
    @Benchmark
    public ActionResult persistent() {
        return persistent.extension().execute("has_vm", params, context);
    }

    /**
     * Profile: the floor of persistent mode, one line out and one line back on this thread.
     *
     * @return the response line
     */
    @Benchmark
    public String bareLine() throws IOException {
        lineIn.write(request);
        lineIn.write('\n');
        lineIn.flush();
        return lineOut.readLine();
    }
}
