package io.ordo.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.UUID;

/**
 * What differs between the SQL of the two stores: how ids, times, JSON and lists are bound and read,
 * a few expressions, and the (schema-qualified) table names. Statements are written once with
 * {@code {jobs}}, {@code {logs}}, {@code {results}}, {@code {counts}}, {@code {type_counts}}, {@code {children}}, {@code {scopes}},
 * {@code {definitions}}, {@code {ticks}}, {@code {schedules}}, and for the operational tables {@code {events}},
 * {@code {queue_flags}}, {@code {queue_minutes}}, {@code {nodes}}, {@code {settings}}, {@code {node_commands}}, {@code {queue_limits}} in place of the table names.
 */
abstract class SqlDialect {
    private final String prefix;

    SqlDialect(String tablePrefix) {
        this.prefix = tablePrefix;
    }

    /** The statement with its table placeholders replaced. */
    final String sql(String template) {
        return template.replace("{jobs}", prefix + "ordo_jobs").replace("{logs}", prefix + "ordo_job_logs")
                .replace("{results}", prefix + "ordo_job_results")
                .replace("{counts}", prefix + "ordo_job_counts").replace("{type_counts}", prefix + "ordo_job_type_counts")
                .replace("{children}", prefix + "ordo_child_counts")
                .replace("{scopes}", prefix + "ordo_scope_counts").replace("{definitions}", prefix + "ordo_definitions")
                .replace("{ticks}", prefix + "ordo_schedule_ticks")
                .replace("{events}", prefix + "ordo_events").replace("{queue_flags}", prefix + "ordo_queue_flags")
                .replace("{queue_minutes}", prefix + "ordo_queue_minutes").replace("{nodes}", prefix + "ordo_nodes")
                .replace("{settings}", prefix + "ordo_settings").replace("{leader}", prefix + "ordo_leader")
                .replace("{node_commands}", prefix + "ordo_node_commands").replace("{queue_limits}", prefix + "ordo_queue_limits")
                .replace("{event_ids}", prefix + "ordo_event_ids").replace("{schedules}", prefix + "ordo_schedules")
                .replace("{deps}", prefix + "ordo_job_deps");
    }

    /** Every instant is stored at millisecond precision so that what is read back equals what was written. */
    static Instant ms(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }

    abstract void setId(PreparedStatement ps, int i, UUID id) throws SQLException;

    abstract UUID getId(ResultSet rs, String column) throws SQLException;

    abstract void setTime(PreparedStatement ps, int i, Instant t) throws SQLException;

    abstract Instant getTime(ResultSet rs, String column) throws SQLException;

    /** The placeholder of a JSON parameter bound as text. */
    abstract String json();

    /**
     * {@code column} (a JSON object) with the keys of a JSON object bound as text shallow-merged into
     * it, the bound object's values winning; a null parameter leaves it as it is. The parameter must
     * be the statement's first (SQLite refers to it twice, as {@code ?1}).
     */
    abstract String mergeObject(String column);

    /** {@code column} with one JSON value (bound as text) appended to its JSON array. */
    abstract String jsonAppend(String column);

    abstract String greatest(String a, String b);

    /** A time expression plus a number of milliseconds. */
    abstract String plusMillis(String time, String millis);

    /** {@code column} is one of the ids bound with {@link #setIds}. */
    abstract String inIds(String column);

    abstract void setIds(Connection c, PreparedStatement ps, int i, Collection<UUID> ids) throws SQLException;

    /** {@code column} is one of the strings bound with {@link #setTexts}. */
    abstract String inTexts(String column);

    abstract void setTexts(Connection c, PreparedStatement ps, int i, Collection<String> values) throws SQLException;

    /** Row locks for a read that is followed by a write of the same rows ("" where writes are serialized anyway). */
    abstract String forUpdate();

    /** Row locks that skip rows another transaction holds ("" where writes are serialized anyway). */
    abstract String forUpdateSkipLocked();

    /** A shared row lock that blocks concurrent writers of the row until commit. */
    abstract String forShare();

    /** After a table name: read it through this index ("" where the planner is left to choose). */
    abstract String indexedBy(String index);

    /**
     * Plans {@code ps} for its parameter values on every execution, never with a cached generic
     * plan: for statements whose best plan depends on the value (a rare type against a common one).
     */
    abstract void planForEachValue(PreparedStatement ps) throws SQLException;
}
