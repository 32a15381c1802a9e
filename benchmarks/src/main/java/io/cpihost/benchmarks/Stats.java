package io.cpihost.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Percentiles of measured durations. */
final class Stats {

    private final long[] sorted;

    Stats(List<Long> nanos) {
        this.sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    Stats(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** The nearest-rank percentile, in milliseconds. */
    double percentileMillis(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double medianMillis() {
        return percentileMillis(50);
    }

    double maxMillis() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    double minMillis() {
        return sorted.length == 0 ? Double.NaN : sorted[0] / 1e6;
    }

    String summary() {
        return String.format("n=%d min=%.1f p50=%.1f p99=%.1f max=%.1f ms", count(), minMillis(), medianMillis(),
                percentileMillis(99), maxMillis());
    }
}
