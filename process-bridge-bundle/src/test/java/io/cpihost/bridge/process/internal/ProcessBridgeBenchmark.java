package io.cpihost.bridge.process.internal;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.cpihost.api.ActionResult;
import io.cpihost.api.CallContext;

/**
 * A rough benchmark, not a test: calls per second of a bare spawn of the fixture CPI, of the
 * per-call bridge, and of persistent mode, single-threaded. Until JMH is wired in, run it with
 *
 * <pre>
 * mvn -o -pl process-bridge-bundle test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.cpihost.bridge.process.internal.ProcessBridgeBenchmark [-Dbench.calls=2000]
 * </pre>
 *
 * <p>({@code exec.args} would also replace the arguments of the fixture build, hence
 * {@code bench.calls}.) Persistent mode runs ten times as many calls.
 */
public final class ProcessBridgeBenchmark {

    private ProcessBridgeBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args unused; the system property {@code bench.calls} sets the calls per variant (1000)
     * @throws Exception when a call fails
     */
    public static void main(String[] args) throws Exception {
        int calls = Integer.getInteger("bench.calls", 1000);
        if (System.getProperty("fixtures.dir") == null) {
            System.setProperty("fixtures.dir", Path.of("target/fixtures").toFile().isDirectory() ? "target/fixtures"
                    : "process-bridge-bundle/target/fixtures");
        }
        Path fixture = Fixtures.path("fixture-cpi");
        byte[] request = Protocol.request("has_vm", List.of("vm-1"), Map.of("request_id", "bench"), 2);
        Map<String, String> environment = BridgeSettings.baseEnvironment(Map.of());

        Runnable bare = () -> {
            try {
                ProcessBuilder builder = new ProcessBuilder(fixture.toString());
                builder.environment().clear();
                builder.environment().putAll(environment);
                builder.redirectError(ProcessBuilder.Redirect.DISCARD);
                Process process = builder.start();
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write(request);
                }
                try (InputStream stdout = process.getInputStream()) {
                    if (!new String(stdout.readAllBytes(), StandardCharsets.UTF_8).contains("true")) {
                        throw new IllegalStateException("The bare spawn got a wrong answer.");
                    }
                }
                process.waitFor();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        report("bare ProcessBuilder spawn", calls, bare);

        try (AutoCloseableCpi perCall = new AutoCloseableCpi(new ProcessCpi(
                Fixtures.settings("bench", "fixture-cpi")))) {
            report("bridge, per-call", calls, () -> check(perCall.cpi));
        }
        try (AutoCloseableCpi persistent = new AutoCloseableCpi(new ProcessCpi(
                Fixtures.settings("bench", "fixture-cpi", "mode", "persistent", "arguments", "--persistent")))) {
            report("bridge, persistent", calls * 10, () -> check(persistent.cpi));
        }
    }

    private static void check(ProcessCpi cpi) {
        ActionResult result = cpi.execute("has_vm", Map.of("vm_cid", "vm-1"),
                CallContext.builder().requestId("bench").build());
        if (!Boolean.TRUE.equals(result.value())) {
            throw new IllegalStateException("The bridge got a wrong answer: " + result + ".");
        }
    }

    private static void report(String what, int calls, Runnable call) {
        for (int i = 0; i < Math.max(50, calls / 10); i++) {
            call.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-28s %8d calls %10.0f calls/s %10.1f us/call%n", what, calls, calls / seconds,
                seconds * 1e6 / calls);
    }

    private static final class AutoCloseableCpi implements AutoCloseable {
        final ProcessCpi cpi;

        AutoCloseableCpi(ProcessCpi cpi) {
            this.cpi = cpi;
        }

        @Override
        public void close() {
            cpi.close();
        }
    }
}
