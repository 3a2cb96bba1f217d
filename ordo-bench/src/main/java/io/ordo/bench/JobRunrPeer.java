package io.ordo.bench;

import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

/**
 * JobRunr with its PostgreSQL storage provider in a fresh schema (its tables carry the schema as
 * table prefix, the schema is dropped afterwards), a BackgroundJobServer of {@code workers} workers
 * polling at the smallest interval JobRunr accepts for SQL storage (5 s), jobs enqueued from one
 * stream. Time is from the first enqueue to the last job method returning.
 */
public final class JobRunrPeer implements Peer {
    // JobRunr calls the job method by reflection on a class it loads by name: a static counter it is
    private static final AtomicLong DONE = new AtomicLong();
    static final Duration POLL = Duration.ofSeconds(5);

    private final int workers;

    JobRunrPeer(int workers) {
        this.workers = workers;
    }

    /** The job: JobRunr records this call in each job's JSON and invokes it on a worker. */
    public static void noop(int n) {
        DONE.incrementAndGet();
    }

    @Override
    public String name() {
        return "jobrunr";
    }

    @Override
    public Result run(int jobs) throws Exception {
        DONE.set(0);
        try (PeerDb db = new PeerDb("jobrunr", workers + 5)) {
            StorageProvider storage = new PostgresStorageProvider(db.dataSource, db.schema + ".");
            JobScheduler scheduler = JobRunr.configure()
                    .useJsonMapper(new JacksonJsonMapper())
                    .useStorageProvider(storage)
                    .useBackgroundJobServer(usingStandardBackgroundJobServerConfiguration().andPollInterval(POLL).andWorkerCount(workers))
                    .initialize().getJobScheduler();
            try {
                long t0 = System.nanoTime();
                scheduler.enqueue(IntStream.range(0, jobs).boxed(), n -> JobRunrPeer.noop(n));
                double submitSec = (System.nanoTime() - t0) / 1e9;
                Peer.await("JobRunr job method calls", DONE::get, jobs, 5);
                double runSec = (System.nanoTime() - t0) / 1e9;
                // the SUCCEEDED state is saved after the method returns: the store's view of "all done"
                Peer.await("JobRunr jobs succeeded", () -> storage.getJobStats().getSucceeded(), jobs, 20);
                double storedSec = (System.nanoTime() - t0) / 1e9;
                return new Result(name(), jobs, jobs / submitSec, jobs / runSec, String.format(Locale.ROOT,
                        "%d workers, poll %d s; until the store said all succeeded: %,.0f jobs/s", workers, POLL.toSeconds(), jobs / storedSec));
            } finally {
                JobRunr.destroy();
            }
        }
    }
}
