package io.ordo.bench;

/** Another job system (or the raw SQL floor) measured in the same run as Ordo, on the same PostgreSQL. */
interface Peer {
    /** The name used by {@code --peers} and in the result table. */
    String name();

    /** Runs {@code jobs} no-op jobs on fresh tables, dropped before returning. */
    Result run(int jobs) throws Exception;

    /**
     * One round of one system. {@code endToEndPerSec} is what the comparison uses; {@code submitPerSec}
     * is 0 where submitting is not separate from running (the raw floor fills its table by one INSERT).
     */
    record Result(String system, int jobs, double submitPerSec, double endToEndPerSec, String note) {
    }
}
