package io.ordo.core.engine;

import io.ordo.core.store.LeaderLease;
import io.ordo.core.store.LeaderStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether this node is the cluster's leader, the one node that runs the cluster-wide duties. The
 * lease lives in the store ({@link LeaderStore}); this node tries to take or renew it every quarter
 * of the lease. It counts itself leader only until three quarters of the lease after it sent its
 * last successful renewal, by its own monotonic clock: a leader that stalls or loses the store stops
 * its duties before the row lets another node in, so no duty runs on two nodes at once (as long as
 * the nodes' wall clocks, which the row is written in, agree to within a quarter of the lease).
 */
public final class Leadership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final LeaderStore store;
    private final String node;
    private final Clock clock;
    private final Duration lease;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Signal signal = new Signal();
    private volatile boolean holds;
    private volatile long validUntil;
    private volatile long term;
    private volatile boolean stopping;
    private Thread thread;

    public Leadership(LeaderStore store, String node, Clock clock, Duration lease) {
        this.store = store;
        this.node = node;
        this.clock = clock;
        this.lease = lease;
    }

    /** True while this node holds the lease (and its own margin has not run out). */
    public boolean leading() {
        return holds && System.nanoTime() - validUntil < 0;
    }

    /** The term of the lease this node holds or last held (0: never led). */
    public long term() {
        return term;
    }

    /** Runs {@code r} when this node becomes leader or stops being one (on the election thread). */
    public void onChange(Runnable r) {
        listeners.add(r);
    }

    /** Tries once at once (so a lone node leads from its first pass), then keeps trying or renewing. */
    public void start() {
        attempt();
        thread = Thread.ofVirtual().name("ordo-leadership").start(this::loop);
    }

    private void loop() {
        while (!stopping) {
            signal.await(lease.dividedBy(4));
            if (stopping) return;
            attempt();
        }
    }

    /** One try to take or renew the lease; public for tests. */
    public synchronized void attempt() {
        boolean before = leading();
        long sent = System.nanoTime();
        try {
            Optional<LeaderLease> got = store.lead(node, clock.instant(), lease);
            if (got.isPresent()) {
                validUntil = sent + lease.minus(lease.dividedBy(4)).toNanos();
                holds = true;
                if (!before || got.get().term() != term) log.info("node {} leads the cluster (term {})", node, got.get().term());
                term = got.get().term();
            } else if (holds) {
                holds = false;
                log.warn("node {} no longer leads the cluster: another node took the lease", node);
            }
        } catch (RuntimeException e) {
            // keep what we hold: leading() ends by itself when the margin runs out
            if (holds) log.warn("node {} could not renew the leader lease ({}); it stops its duties if this lasts", node, e.getMessage());
            else log.debug("node {} could not try for the leader lease", node, e);
        }
        if (before != leading()) listeners.forEach(Runnable::run);
    }

    @Override
    public void close() {
        stopping = true;
        signal.wake();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (holds) {
            holds = false;
            try {
                store.resign(node, clock.instant());
                log.info("node {} handed over the cluster's lead", node);
            } catch (RuntimeException e) {
                log.warn("node {} could not hand over the lead; another node takes it when the lease runs out", node, e);
            }
        }
    }
}
