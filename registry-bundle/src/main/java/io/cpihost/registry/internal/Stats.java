package io.cpihost.registry.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.cpihost.api.ActionStats;

/**
 * Call statistics per extension name and action. Cells outlive registrations, so the figures
 * of a provider survive its updates. Recording is lock-free (striped adders).
 */
final class Stats {

    private final Map<String, Map<String, Cell>> cells = new ConcurrentHashMap<>();

    Cell cell(String extension, String action) {
        return cells.computeIfAbsent(extension, e -> new ConcurrentHashMap<>())
                .computeIfAbsent(action, a -> new Cell());
    }

    List<ActionStats> snapshot() {
        List<ActionStats> result = new ArrayList<>();
        cells.forEach((extension, actions) -> actions.forEach((action, cell) -> {
            if (cell.calls.sum() > 0) {
                result.add(new ActionStats(extension, action, cell.calls.sum(), cell.errors.sum(),
                        cell.timeouts.sum(), cell.totalNanos.sum(), cell.maxNanos.get()));
            }
        }));
        result.sort(Comparator.comparing(ActionStats::extension).thenComparing(ActionStats::action));
        return result;
    }

    /** The counters of one action. */
    static final class Cell {
        final LongAdder calls = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder totalNanos = new LongAdder();
        final AtomicLong maxNanos = new AtomicLong();

        void record(long nanos, boolean error, boolean timeout) {
            calls.increment();
            totalNanos.add(nanos);
            if (error) {
                errors.increment();
                if (timeout) {
                    timeouts.increment();
                }
            }
            long max = maxNanos.get();
            while (nanos > max && !maxNanos.compareAndSet(max, nanos)) {
                max = maxNanos.get();
            }
        }
    }
}
