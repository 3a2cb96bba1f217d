package io.ordo.bench;

/** The raw {@code UPDATE … SKIP LOCKED} loop of {@link RawFloor}, claiming {@code claim} rows a statement. */
record FloorPeer(int claim, int threads) implements Peer {
    @Override
    public String name() {
        return "floor-claim-" + claim;
    }

    @Override
    public Result run(int jobs) throws Exception {
        return new Result(name(), jobs, 0, RawFloor.run(jobs, claim, threads),
                threads + " threads, bare table, rows/s (no job model, no completion write)");
    }
}
