package io.ordo.server.cli;

import java.net.URI;
import java.time.Duration;

/**
 * How {@code --wait} paces its looks at the server: with the live event stream, it looks when an
 * event came (at most every {@link #MIN_GAP}, so a burst of events costs one request) and at least
 * every poll interval (1s at least) in case an event was missed; without a stream it polls every
 * interval as before.
 */
final class WaitPacer implements AutoCloseable {
    static final Duration MIN_GAP = Duration.ofMillis(100);
    private final EventStream stream;
    private final Duration poll;
    private final Duration safety;
    private long lastLook = System.nanoTime();

    private WaitPacer(EventStream stream, Duration poll) {
        this.stream = stream;
        this.poll = poll;
        this.safety = poll.compareTo(Duration.ofSeconds(1)) > 0 ? poll : Duration.ofSeconds(1);
    }

    /** Subscribes to {@code query} on the server's event stream; polls when that is not possible. */
    static WaitPacer open(URI base, String token, String query, Duration poll) {
        return new WaitPacer(EventStream.open(base, token, query), poll);
    }

    /** Whether the live stream drives the waiting (false: plain polling). */
    boolean live() {
        return stream != null && stream.alive();
    }

    void pause() {
        try {
            if (live()) {
                stream.await(safety);
                long gap = Math.min(poll.toNanos(), MIN_GAP.toNanos()) - (System.nanoTime() - lastLook);
                if (gap > 0) Thread.sleep(Duration.ofNanos(gap));
            } else {
                Thread.sleep(poll.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted while waiting");
        }
        lastLook = System.nanoTime();
    }

    @Override
    public void close() {
        if (stream != null) stream.close();
    }
}
