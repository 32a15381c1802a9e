package io.cpihost.bridge.process.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the calls of one instance that run at once, with a bounded queue of waiting calls.
 */
final class ConcurrencyLimit {

    /** What came of asking for a slot. */
    enum Admission {
        /** The call may run; release the slot afterwards. */
        ADMITTED,
        /** Every slot is busy and the queue is full. */
        QUEUE_FULL,
        /** The deadline passed while waiting. */
        TIMED_OUT
    }

    private final Semaphore slots;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();

    ConcurrencyLimit(int maxConcurrency, int maxQueued) {
        this.slots = new Semaphore(maxConcurrency, true);
        this.maxQueued = maxQueued;
    }

    /**
     * Waits for a slot.
     *
     * @param deadline when to stop waiting
     * @return whether the call may run
     * @throws InterruptedException when the caller was interrupted while waiting
     */
    Admission acquire(Deadline deadline) throws InterruptedException {
        if (slots.tryAcquire()) {
            return Admission.ADMITTED;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            return Admission.QUEUE_FULL;
        }
        try {
            if (!deadline.bounded()) {
                slots.acquire();
                return Admission.ADMITTED;
            }
            return slots.tryAcquire(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS)
                    ? Admission.ADMITTED : Admission.TIMED_OUT;
        } finally {
            queued.decrementAndGet();
        }
    }

    void release() {
        slots.release();
    }
}
