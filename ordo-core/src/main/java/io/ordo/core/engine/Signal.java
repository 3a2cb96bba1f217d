package io.ordo.core.engine;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A wake-up that is never lost: a wake before the wait makes the next wait return at once. */
final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean woken;

    void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until woken or {@code max} passed; returns true if woken. */
    boolean await(Duration max) {
        long nanos = max.toNanos();
        lock.lock();
        try {
            while (!woken && nanos > 0) nanos = changed.awaitNanos(nanos);
            boolean was = woken;
            woken = false;
            return was;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
