package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code maintenance} step: deletes terminal jobs (completed, failed, cancelled, skipped) that
 * finished more than {@code older_than} ago, with their logs, in batches through
 * {@link JobStore#prune}, then runs the store's own upkeep ({@link JobStore#optimize()}:
 * VACUUM/ANALYZE or equivalent). Live jobs are never touched. Result {@code {pruned, optimized}}.
 *
 * <p>Config: {@code older_than} (7d), {@code batch_size} (1000), {@code optimize} (true).
 *
 * <p>It needs the store, which a step does not see: give it at construction, either the store
 * itself (when the application opens it and passes it with {@code OrdoConfig.store(...)}) or a
 * supplier read when a step runs (e.g. {@code () -> ordo.store()} for a store opened from a URL).
 */
public final class MaintenanceAction implements StepAction {
    private static final Set<String> FIELDS = Set.of("older_than", "batch_size", "optimize");
    static final Duration DEFAULT_OLDER_THAN = Duration.ofDays(7);

    private final Supplier<JobStore> store;
    private final Clock clock;

    /** Maintains the store of the node that runs the step. */
    public MaintenanceAction() {
        this(() -> null, Clock.systemUTC());
    }

    public MaintenanceAction(JobStore store) {
        this(() -> store, Clock.systemUTC());
    }

    public MaintenanceAction(Supplier<JobStore> store) {
        this(store, Clock.systemUTC());
    }

    public MaintenanceAction(Supplier<JobStore> store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "maintenance";
    }

    private record Spec(Duration olderThan, int batch, boolean optimize) {
    }

    private static Spec spec(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        Duration olderThan = c.duration("older_than", DEFAULT_OLDER_THAN);
        int batch = c.integer("batch_size", 1000, 1, 100_000, "an integer from 1 to 100000");
        boolean optimize = c.bool("optimize", true);
        return new Spec(olderThan, batch, optimize);
    }

    @Override
    public void validate(JsonNode config) {
        spec(config);
    }

    @Override
    public Object run(StepContext ctx) {
        Spec s = spec(ctx.config());
        JobStore st = store.get();
        if (st == null) st = ctx.store();
        Instant before = clock.instant().minus(s.olderThan());
        ctx.info("pruning terminal jobs that finished before " + before + " (older than " + Durations.format(s.olderThan())
                + "), " + s.batch() + " per batch");
        long pruned = 0;
        while (true) {
            ctx.checkCancelled();
            int n = st.prune(before, s.batch());
            pruned += n;
            if (n > 0) ctx.progress(pruned, 0, pruned + " jobs pruned");
            if (n < s.batch()) break;
        }
        ctx.info(pruned + " job(s) pruned");
        if (s.optimize()) {
            long t0 = System.nanoTime();
            st.optimize();
            ctx.info("store optimized (" + st.kind() + ") in " + (System.nanoTime() - t0) / 1_000_000 + "ms");
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("pruned", pruned);
        result.put("optimized", s.optimize());
        result.put("before", before.toString());
        return result;
    }
}
