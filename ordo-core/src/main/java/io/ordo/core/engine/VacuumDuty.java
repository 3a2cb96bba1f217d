package io.ordo.core.engine;

import io.micrometer.core.instrument.Counter;
import io.ordo.core.OrdoConfig;
import io.ordo.core.store.StoreHealth;
import io.ordo.core.store.StoreHealth.Autovacuum;
import io.ordo.core.store.StoreHealth.DeadRowLimits;
import io.ordo.core.store.StoreHealth.Vacuum;
import io.ordo.core.util.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The vacuum duty of a store whose database needs its tables vacuumed: every
 * {@link OrdoConfig#autoVacuumInterval()} it asks the store to vacuum the hot tables whose dead rows
 * piled up. It runs on the cluster's leader (the store also lets one node at a time vacuum, for
 * nodes that run it by hand). A thread of its own, beside {@link Maintenance}:
 * a VACUUM of a large table may take minutes, and promotions and rescues must not wait for it.
 */
public final class VacuumDuty implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VacuumDuty.class);

    /**
     * A table needs a vacuum at 10,000 dead rows and a tenth of its live rows. Below 10,000 a claim
     * barely notices them, and a vacuum's fixed cost (it reads every index in full) is not worth it;
     * the tenth keeps that cost in proportion on a large table (a 1M-job backlog: one vacuum per
     * 100,000 dead rows, i.e. every 50,000 or so jobs done). Autovacuum, when on, is given five minutes
     * since its last pass: the duty only stands in when it is off or fell behind.
     */
    public static final DeadRowLimits LIMITS = new DeadRowLimits(10_000, 0.10, Duration.ofMinutes(5));

    private final OrdoConfig config;
    private final StoreHealth health;
    private final DeadRowLimits limits;
    private volatile java.util.function.BooleanSupplier leading = () -> true;
    private final Signal signal = new Signal();
    private volatile boolean stopping;
    private Thread thread;

    public VacuumDuty(OrdoConfig config, StoreHealth health) {
        this(config, health, LIMITS);
    }

    public VacuumDuty(OrdoConfig config, StoreHealth health, DeadRowLimits limits) {
        this.config = config;
        this.health = health;
        this.limits = limits;
    }

    /** Takes its turn only while {@code when} holds (on the cluster's leader). */
    public void dutyWhen(java.util.function.BooleanSupplier when) {
        this.leading = when;
    }

    /** Says once whether autovacuum covers Ordo's tables, then runs the duty if this node takes part in it. */
    public void start() {
        Autovacuum a = health.autovacuum();
        if (!a.effective()) {
            if (config.autoVacuum()) {
                log.warn("PostgreSQL autovacuum does not cover Ordo's tables ({}): Ordo will vacuum its hot tables itself,"
                        + " on the cluster's leader, checking every {} (--auto-vacuum false or OrdoConfig.autoVacuum(false) turns this off)",
                        a.detail(), Durations.format(config.autoVacuumInterval()));
            } else {
                log.warn("PostgreSQL autovacuum does not cover Ordo's tables ({}) and this node's vacuum duty is off"
                        + " (--auto-vacuum false): unless another node or a scheduled VACUUM cleans them, the queue slows down"
                        + " as dead rows pile up", a.detail());
            }
        }
        if (config.autoVacuum()) thread = Thread.ofVirtual().name("ordo-vacuum").start(this::loop);
    }

    private void loop() {
        while (!stopping) {
            signal.await(config.autoVacuumInterval());
            if (stopping) return;
            if (!leading.getAsBoolean()) continue;
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("vacuum duty pass failed; next in {}", config.autoVacuumInterval(), e);
            }
        }
    }

    /** One pass: the vacuums run, none when no table needed one or another node was on duty. */
    public List<Vacuum> runOnce() {
        List<Vacuum> done = health.vacuumDeadRows(limits);
        if (config.meterRegistry() != null) {
            for (Vacuum v : done) {
                Counter.builder("ordo.store.vacuums").tag("table", v.table()).description("vacuums the vacuum duty ran on this node")
                        .register(config.meterRegistry()).increment();
            }
        }
        return done;
    }

    @Override
    public void close() {
        stopping = true;
        signal.wake();
        if (thread != null) {
            try {
                // a VACUUM under way is left to finish on the server: the thread is virtual and does not keep the JVM up
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
