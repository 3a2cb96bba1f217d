package io.ordo.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler, tuned as its documentation suggests for throughput: lock-and-fetch polling (one
 * {@code UPDATE … SKIP LOCKED} claims a batch), a 100 ms polling interval, {@code threads} executor
 * threads, one-time tasks scheduled with {@code scheduleBatch}. The scheduler runs while jobs are
 * submitted; the time is from the first submit to the last handler call returning.
 */
record DbSchedulerPeer(int threads, int batch) implements Peer {
    @Override
    public String name() {
        return "db-scheduler";
    }

    @Override
    public Result run(int jobs) throws Exception {
        AtomicLong done = new AtomicLong();
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, ctx) -> done.incrementAndGet());
        try (PeerDb db = new PeerDb("dbsched", threads + 5)) {
            createTable(db);
            Scheduler scheduler = Scheduler.create(db.dataSource, noop)
                    .pollUsingLockAndFetch(0.5, 1.0)
                    .pollingInterval(Duration.ofMillis(100))
                    .threads(threads)
                    .shutdownMaxWait(Duration.ofSeconds(5))
                    .build();
            scheduler.start();
            try {
                long t0 = System.nanoTime();
                Instant now = Instant.now();
                List<TaskInstance<?>> chunk = new ArrayList<>(batch);
                for (int i = 0; i < jobs; i++) {
                    chunk.add(noop.instance("n" + i));
                    if (chunk.size() == batch || i == jobs - 1) {
                        scheduler.scheduleBatch(chunk, now);
                        chunk.clear();
                    }
                }
                double submitSec = (System.nanoTime() - t0) / 1e9;
                Peer.await("db-scheduler handler calls", done::get, jobs, 5);
                double runSec = (System.nanoTime() - t0) / 1e9;
                // a one-time task's row is deleted after its handler returns: the store's view of "all done"
                Peer.await("db-scheduler rows deleted", () -> jobs - remaining(db), jobs, 5);
                double storedSec = (System.nanoTime() - t0) / 1e9;
                return new Result(name(), jobs, jobs / submitSec, jobs / runSec, String.format(java.util.Locale.ROOT,
                        "%d threads, lock-and-fetch, 100 ms poll; until the table was empty: %,.0f jobs/s", threads, jobs / storedSec));
            } finally {
                scheduler.stop();
            }
        }
    }

    /** The table db-scheduler expects on PostgreSQL (it does not create it), with the indexes its docs list. */
    private static void createTable(PeerDb db) throws Exception {
        String t = db.schema + ".scheduled_tasks";
        db.exec("CREATE TABLE " + t + " (task_name text NOT NULL, task_instance text NOT NULL, task_data bytea, "
                + "execution_time timestamptz NOT NULL, picked boolean NOT NULL, picked_by text, last_success timestamptz, "
                + "last_failure timestamptz, consecutive_failures int, last_heartbeat timestamptz, version bigint NOT NULL, "
                + "priority smallint, PRIMARY KEY (task_name, task_instance))");
        db.exec("CREATE INDEX ON " + t + " (execution_time)");
        db.exec("CREATE INDEX ON " + t + " (last_heartbeat)");
        db.exec("CREATE INDEX ON " + t + " (priority DESC, execution_time ASC)");
    }

    private static long remaining(PeerDb db) throws Exception {
        try (Connection c = db.dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
