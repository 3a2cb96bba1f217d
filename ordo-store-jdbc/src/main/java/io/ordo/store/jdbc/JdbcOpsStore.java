package io.ordo.store.jdbc;

import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.ops.QueueMinute;
import io.ordo.core.store.EventStore;
import io.ordo.core.store.LeaderStore;
import io.ordo.core.store.OpsStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The operational side of both SQL stores: the event log, queue flags and minutes, nodes and their
 * orders, settings, stored limits and the leader lease. {@link JdbcJobStore} adds the jobs; the
 * dialect's store owns the connections.
 */
abstract class JdbcOpsStore implements EventStore, OpsStore, LeaderStore {
    final SqlDialect d;
    final EventLogSql events;
    final OpsSql ops;
    private final LimitSql limitRows;
    private final LeaderSql leader;
    private final NodeCommandSql commands;
    private final List<Runnable> eventListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    JdbcOpsStore(SqlDialect d) {
        this.d = d;
        this.events = new EventLogSql(d);
        this.ops = new OpsSql(d);
        this.limitRows = new LimitSql(d);
        this.leader = new LeaderSql(d);
        this.commands = new NodeCommandSql(d);
    }

    /** "sqlite" or "postgresql". */
    public abstract String kind();

    /** Runs {@code work} in a transaction and commits it (retrying where the database asks for it). */
    abstract <T> T write(SqlWork<T> work);

    /** Runs a single write statement; it needs no explicit transaction. */
    abstract <T> T writeStatement(SqlWork<T> work);

    abstract <T> T read(SqlWork<T> work);

    /** Runs first in an append's transaction (of the events no trigger writes: progress, results, queue stats). */
    void appendingEvents(Connection c) throws SQLException {
    }

    /**
     * A write committed: it may have written events (the triggers of migration V4 do), so this
     * process's event readers look now instead of at their next poll. Cheap; called on every commit.
     */
    void committed() {
        for (Runnable l : eventListeners) l.run();
    }

    @Override
    public void onEventsAppended(Runnable listener) {
        eventListeners.add(listener);
    }

    /** A write transaction for event appends; a store may relax durability for them (events are not the record of truth). */
    <T> T writeEvents(SqlWork<T> work) {
        return write(work);
    }

    RuntimeException failure(String what, SQLException e) {
        return new JdbcStoreException(kind() + " store: " + what + " failed: " + e.getMessage(), e);
    }

    @Override
    public List<Limit> limits() {
        return read(limitRows::all);
    }

    @Override
    public void saveLimit(Limit limit, Instant now) {
        writeStatement(c -> {
            limitRows.save(c, limit, now);
            return null;
        });
    }

    @Override
    public boolean deleteLimit(LimitScope scope, String name) {
        return writeStatement(c -> limitRows.delete(c, scope, name));
    }

    // ---- event log ---------------------------------------------------------------------------------

    @Override
    public void appendEvents(List<OrdoEvent> batch) {
        if (batch.isEmpty()) return;
        EventLogSql.Batch rows = EventLogSql.prepare(batch);
        writeEvents(c -> {
            appendingEvents(c);
            events.append(c, rows);
            return null;
        });
    }

    @Override
    public List<StoredEvent> eventsAfter(long afterId, int limit) {
        if (limit < 1) return List.of();
        return read(c -> events.after(c, afterId, limit));
    }

    @Override
    public long lastEventId() {
        return read(events::last);
    }

    @Override
    public long firstEventId() {
        return read(events::first);
    }

    @Override
    public int pruneEvents(Instant before, int limit) {
        int total = 0;
        while (total < limit) {
            int batch = Math.min(OpsSql.PRUNE_BATCH, limit - total);
            int n = writeStatement(c -> events.prune(c, before, batch));
            total += n;
            if (n < batch) break;
        }
        return total;
    }

    // ---- queues, nodes, webhooks, settings ----------------------------------------------------------

    @Override
    public void setQueuePaused(String queue, boolean paused, Instant now) {
        writeStatement(c -> {
            ops.setFlag(c, queue, paused, now);
            return null;
        });
    }

    @Override
    public Map<String, Boolean> queueFlags() {
        return read(ops::flags);
    }

    @Override
    public void saveQueueMinutes(List<QueueMinute> minutes) {
        if (minutes.isEmpty()) return;
        write(c -> {
            ops.saveMinutes(c, minutes);
            return null;
        });
    }

    @Override
    public List<QueueMinute> queueMinutes(Instant since) {
        return read(c -> ops.minutesSince(c, since));
    }

    @Override
    public int pruneQueueMinutes(Instant before) {
        return inBatches(c -> ops.pruneMinutes(c, before));
    }

    @Override
    public void saveNode(NodeInfo node) {
        writeStatement(c -> {
            ops.saveNode(c, node);
            return null;
        });
    }

    @Override
    public List<NodeInfo> nodes() {
        return read(ops::nodes);
    }

    @Override
    public int pruneNodes(Instant before) {
        return inBatches(c -> ops.pruneNodes(c, before));
    }

    @Override
    public void addNodeCommand(io.ordo.core.ops.NodeCommand command) {
        writeStatement(c -> {
            commands.add(c, command);
            return null;
        });
    }

    @Override
    public Optional<io.ordo.core.ops.NodeCommand> nodeCommand(UUID id) {
        return read(c -> commands.get(c, id));
    }

    @Override
    public List<io.ordo.core.ops.NodeCommand> takeNodeCommands(String node, Instant now) {
        // asked each second by each node, nearly always in vain: no write (on SQLite, no writer lock) then
        if (!read(c -> commands.anyPending(c, node))) return List.of();
        return writeStatement(c -> commands.take(c, node, now));
    }

    @Override
    public void finishNodeCommand(UUID id, Map<String, Object> result, String error, Instant now) {
        writeStatement(c -> {
            commands.finish(c, id, result, error, now);
            return null;
        });
    }

    @Override
    public int pruneNodeCommands(Instant before) {
        return inBatches(c -> commands.prune(c, before));
    }

    /** Runs a delete of at most {@link OpsSql#PRUNE_BATCH} rows, each in its own short write, until one deletes fewer. */
    private int inBatches(SqlWork<Integer> delete) {
        int total = 0;
        int n;
        do {
            n = writeStatement(delete);
            total += n;
        } while (n == OpsSql.PRUNE_BATCH);
        return total;
    }

    @Override
    public String setting(String key, Supplier<String> initial) {
        Optional<String> known = read(c -> ops.setting(c, key));
        if (known.isPresent()) return known.get();
        String value = initial.get();
        if (value == null) throw new IllegalArgumentException("setting '" + key + "': the initial value is null");
        return writeStatement(c -> ops.settingOrAdd(c, key, value));
    }

    // ---- the leader lease -----------------------------------------------------------------------

    @Override
    public Optional<io.ordo.core.store.LeaderLease> lead(String node, Instant now, java.time.Duration lease) {
        return writeStatement(c -> leader.lead(c, node, now, lease));
    }

    @Override
    public void resign(String node, Instant now) {
        writeStatement(c -> {
            leader.resign(c, node, now);
            return null;
        });
    }

    @Override
    public Optional<io.ordo.core.store.LeaderLease> leader() {
        return read(leader::leader);
    }
}
