package io.ordo.bench;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/** Another job system (or the raw SQL floor) measured in the same run as Ordo, on the same PostgreSQL. */
interface Peer {
    /** The name used by {@code --peers} and in the result table. */
    String name();

    /** Runs {@code jobs} no-op jobs on fresh tables, dropped before returning. */
    Result run(int jobs) throws Exception;

    /**
     * Waits until {@code count} reaches {@code target}, polling every few ms; gives up with the count
     * reached after a minute plus 10 ms a job, so that a peer whose jobs fail does not hang the run.
     */
    static void await(String what, Callable<Long> count, long target, long pollMs) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).plusMillis(10 * target).toNanos();
        long n;
        while ((n = count.call()) < target) {
            if (System.nanoTime() > deadline) throw new TimeoutException(what + ": " + n + " of " + target + " after the time allowed");
            Thread.sleep(pollMs);
        }
    }

    /**
     * One round of one system. {@code endToEndPerSec} is what the comparison uses; {@code submitPerSec}
     * is 0 where submitting is not separate from running (the raw floor fills its table by one INSERT).
     */
    record Result(String system, int jobs, double submitPerSec, double endToEndPerSec, String note) {
    }
}
