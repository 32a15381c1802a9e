package io.cpihost.benchmarks;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a JMH JSON result ({@code -rf json -rff FILE}) into the figures of issue 7: each figure
 * beside its baseline of the same run, the ratio, and whether the target is met.
 *
 * <p>Two estimates per benchmark: the mean of the measurement iterations (JMH's score) and the
 * fastest iteration. On a shared machine the mean carries the other processes' load; the
 * fastest iteration is the better estimate of the code's own cost, so verdicts are given for
 * both.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.cpihost.benchmarks.JmhSummary benchmarks/target/jmh-results.json
 * </pre>
 */
public final class JmhSummary {

    private final Map<String, double[]> scores = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();

    private JmhSummary(JsonNode results) {
        for (JsonNode result : results) {
            String name = result.get("benchmark").asText().replace("io.cpihost.benchmarks.", "");
            JsonNode params = result.get("params");
            if (params != null && params.has("extensions")) {
                name += "[" + params.get("extensions").asText() + "]";
            }
            JsonNode primary = result.get("primaryMetric");
            double min = Double.MAX_VALUE;
            for (JsonNode fork : primary.get("rawData")) {
                for (JsonNode iteration : fork) {
                    min = Math.min(min, iteration.asDouble());
                }
            }
            scores.put(name, new double[] {primary.get("score").asDouble(), primary.get("scoreError").asDouble(),
                    min});
            units.put(name, primary.get("scoreUnit").asText());
        }
    }

    /**
     * Prints the summary.
     *
     * @param args the JSON file
     */
    public static void main(String[] args) throws IOException {
        JmhSummary summary = new JmhSummary(new ObjectMapper().readTree(new File(
                args.length > 0 ? args[0] : "benchmarks/target/jmh-results.json")));
        summary.print();
    }

    private void print() {
        System.out.println("| benchmark | mean ± error | fastest iteration | unit |");
        System.out.println("|---|---|---|---|");
        scores.forEach((name, s) -> System.out.printf("| %s | %.1f ± %.1f | %.1f | %s |%n", name, s[0], s[1], s[2],
                units.get(name)));
        System.out.println();
        System.out.println("| figure | value (mean / fastest) | baseline (mean / fastest) | ratio or extra (mean / fastest)"
                + " | target | met (mean / fastest) |");
        System.out.println("|---|---|---|---|---|---|");
        List<String> rows = new ArrayList<>();
        extra(rows, "(a) registry dispatch, trivial Java action, id assigned", "DispatchBenchmark.registry",
                "DispatchBenchmark.direct", 150, "ns");
        extra(rows, "(a) the same, caller's request id", "DispatchBenchmark.registryWithRequestId",
                "DispatchBenchmark.direct", 150, "ns");
        nativeEcho(rows);
        ratio(rows, "(d) process bridge per-call", "ProcessBenchmark.perCall", "ProcessBenchmark.bareSpawn",
                "≤ 1.15×", r -> r <= 1.15);
        ratio(rows, "(d) process bridge per-call, through the registry", "ProcessBenchmark.perCallRegistry",
                "ProcessBenchmark.bareSpawn", "≤ 1.15×", r -> r <= 1.15);
        speedup(rows, "(d) persistent vs per-call, calls/s", "ProcessBenchmark.persistent", "ProcessBenchmark.perCall",
                50);
        ratio(rows, "(c) invoke, 1000 vs 10 extensions (O(1))", "ScaleBenchmark.invoke[1000]",
                "ScaleBenchmark.invoke[10]", "≈ 1× (O(1))", r -> r < 2);
        ratio(rows, "(c) find, 1000 vs 10 extensions (O(1))", "ScaleBenchmark.find[1000]", "ScaleBenchmark.find[10]",
                "≈ 1× (O(1))", r -> r < 2);
        ratio(rows, "(c) info, 1000 vs 10 extensions", "ScaleBenchmark.info[1000]", "ScaleBenchmark.info[10]",
                "≈ 1× (O(1))", r -> r < 2);
        absolute(rows, "(c) list() with 1000 extensions", "ScaleBenchmark.list[1000]", "ScaleBenchmark.list[10]",
                5000, "us", "≤ 5 ms");
        ratio(rows, "(c) one re-registration, 1000 vs 10 extensions", "ScaleBenchmark.update[1000]",
                "ScaleBenchmark.update[10]", "— (reported)", r -> true);
        rows.forEach(System.out::println);
    }

    private boolean has(String... names) {
        for (String name : names) {
            if (!scores.containsKey(name)) {
                return false;
            }
        }
        return true;
    }

    private void extra(List<String> rows, String figure, String value, String baseline, double limit, String unit) {
        if (!has(value, baseline)) {
            return;
        }
        double[] v = scores.get(value);
        double[] b = scores.get(baseline);
        double mean = v[0] - b[0];
        double fast = v[2] - b[2];
        rows.add(String.format("| %s | %.0f / %.0f %s | %.0f / %.0f %s | +%.0f / +%.0f %s | ≤ %.0f %s extra | %s / %s |",
                figure, v[0], v[2], unit, b[0], b[2], unit, mean, fast, unit, limit, unit, yes(mean <= limit),
                yes(fast <= limit)));
    }

    private void nativeEcho(List<String> rows) {
        String value = "NativeEchoBenchmark.registry";
        String baseline = "NativeEchoBenchmark.rawJna";
        if (!has(value, baseline)) {
            return;
        }
        double[] v = scores.get(value);
        double[] b = scores.get(baseline);
        double mean = v[0] / b[0];
        double fast = v[2] / b[2];
        rows.add(String.format("| (b) native echo of 64 B JSON through the registry | %.2f / %.2f µs | %.2f / %.2f µs"
                + " (raw JNA) | %.2f× / %.2f× | ≤ 2 µs and ≤ 3× | %s / %s |", v[0] / 1000, v[2] / 1000, b[0] / 1000,
                b[2] / 1000, mean, fast, yes(v[0] <= 2000 && mean <= 3) + (v[0] <= 2000 ? "" : " (2 µs missed)"),
                yes(v[2] <= 2000 && fast <= 3) + (v[2] <= 2000 ? "" : " (2 µs missed)")));
    }

    private void ratio(List<String> rows, String figure, String value, String baseline, String target,
            java.util.function.DoublePredicate met) {
        if (!has(value, baseline)) {
            return;
        }
        double[] v = scores.get(value);
        double[] b = scores.get(baseline);
        String unit = units.get(value);
        double mean = v[0] / b[0];
        double fast = v[2] / b[2];
        rows.add(String.format("| %s | %.1f / %.1f %s | %.1f / %.1f %s | %.2f× / %.2f× | %s | %s / %s |", figure, v[0],
                v[2], unit, b[0], b[2], unit, mean, fast, target, yes(met.test(mean)), yes(met.test(fast))));
    }

    private void speedup(List<String> rows, String figure, String value, String baseline, double limit) {
        if (!has(value, baseline)) {
            return;
        }
        double[] v = scores.get(value);
        double[] b = scores.get(baseline);
        String unit = units.get(value);
        double mean = b[0] / v[0];
        double fast = b[2] / v[2];
        rows.add(String.format("| %s | %.1f / %.1f %s per call | %.1f / %.1f %s per call | %.0f× / %.0f× | ≥ %.0f× |"
                + " %s / %s |", figure, v[0], v[2], unit, b[0], b[2], unit, mean, fast, limit, yes(mean >= limit),
                yes(fast >= limit)));
    }

    private void absolute(List<String> rows, String figure, String value, String baseline, double limit, String unit,
            String target) {
        if (!has(value, baseline)) {
            return;
        }
        double[] v = scores.get(value);
        double[] b = scores.get(baseline);
        rows.add(String.format("| %s | %.1f / %.1f %s | %.1f / %.1f %s (10 extensions) | %.0f× / %.0f× | %s | %s / %s |",
                figure, v[0], v[2], unit, b[0], b[2], unit, v[0] / b[0], v[2] / b[2], target, yes(v[0] <= limit),
                yes(v[2] <= limit)));
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }
}
