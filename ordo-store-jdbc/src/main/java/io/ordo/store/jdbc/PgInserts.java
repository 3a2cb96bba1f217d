package io.ordo.store.jdbc;

import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * PostgreSQL's batch insert: one statement whatever the batch size, each column bound as one array
 * and the rows rebuilt with {@code unnest}. A batch of plain jobs binds only the columns plain jobs
 * use; a batch with a tree job (scope, dedup key, policy, meta), a job recorded in a final state or
 * a job with a webhook binds those columns too.
 */
final class PgInserts {
    /** One inserted column: its name, the SQL type of its array, how the unnested value is cast, and its value. */
    private record Column(String name, String arrayType, String expr, Function<NewJob, Object> value) {
    }

    private static final List<Column> PLAIN = List.of(
            new Column("id", "uuid", "u.id", NewJob::id),
            new Column("type", "text", "u.type", NewJob::type),
            new Column("queue", "text", "u.queue", NewJob::queue),
            new Column("priority", "int4", "u.priority", NewJob::priority),
            new Column("payload", "text", "u.payload::jsonb", n -> JobRows.text(n.payload())),
            new Column("status", "text", "u.status", n -> n.status().wireName()),
            new Column("max_attempts", "int4", "u.max_attempts", NewJob::maxAttempts),
            new Column("run_at", "text", "u.run_at::timestamptz", n -> text(n.runAt())),
            new Column("timeout_ms", "int8", "u.timeout_ms", n -> JobRows.toMillis(n.timeout())),
            new Column("parent_id", "uuid", "u.parent_id", NewJob::parentId),
            new Column("root_id", "uuid", "u.root_id", n -> n.rootId() == null ? n.id() : n.rootId()),
            new Column("definition_id", "text", "u.definition_id", NewJob::definitionId),
            new Column("step", "text", "u.step", NewJob::step),
            new Column("depth", "int4", "u.depth", NewJob::depth),
            new Column("result_ttl_ms", "int8", "u.result_ttl_ms", n -> JobRows.toMillis(n.resultTtl())),
            new Column("unique_key", "text", "u.unique_key", NewJob::uniqueKey),
            new Column("cache_key", "text", "u.cache_key", NewJob::cacheKey),
            new Column("tags", "text", "u.tags::jsonb", n -> Json.write(n.tags())),
            new Column("backoff_base_ms", "int8", "u.backoff_base_ms", n -> JobRows.toMillis(n.backoffBase())),
            new Column("backoff_cap_ms", "int8", "u.backoff_cap_ms", n -> JobRows.toMillis(n.backoffCap())),
            new Column("created_at", "text", "u.created_at::timestamptz", n -> text(n.createdAt())));

    /** The columns of tree jobs, recorded jobs and jobs with a webhook; times come from {@link NewJob#toJob()}. */
    private static final List<Column> TREE = List.of(
            new Column("scope_id", "uuid", "u.scope_id", NewJob::scopeId),
            new Column("dedup_key", "text", "u.dedup_key", NewJob::dedupKey),
            new Column("child_policy", "text", "u.child_policy::jsonb", n -> JobRows.policyText(n.childPolicy())),
            new Column("meta", "text", "COALESCE(u.meta::jsonb, '{}'::jsonb)", n -> JobRows.metaText(n.meta())),
            new Column("result", "text", "u.result::jsonb", n -> JobRows.text(n.result())),
            new Column("error", "text", "u.error", NewJob::error),
            new Column("started_at", "text", "u.started_at::timestamptz", n -> text(n.toJob().startedAt())),
            new Column("finished_at", "text", "u.finished_at::timestamptz", n -> text(n.toJob().finishedAt())),
            new Column("result_expires_at", "text", "u.result_expires_at::timestamptz", n -> text(n.toJob().resultExpiresAt())),
            new Column("webhook_url", "text", "u.webhook_url", NewJob::webhookUrl),
            new Column("requires", "text", "u.requires", NewJob::requires));

    private final JobQueries queries;
    private final String plainSql;
    private final String treeSql;
    private final List<Column> all;

    PgInserts(SqlDialect d, JobQueries queries) {
        this.queries = queries;
        List<Column> both = new ArrayList<>(PLAIN);
        both.addAll(TREE);
        this.all = List.copyOf(both);
        plainSql = d.sql(sql(PLAIN));
        treeSql = d.sql(sql(all));
    }

    private static String sql(List<Column> cols) {
        return "INSERT INTO {jobs} (" + cols.stream().map(Column::name).collect(Collectors.joining(", ")) + ", updated_at) "
                + "SELECT " + cols.stream().map(Column::expr).collect(Collectors.joining(", ")) + ", u.created_at::timestamptz "
                + "FROM unnest(" + cols.stream().map(c -> "?::" + c.arrayType() + "[]").collect(Collectors.joining(", ")) + ") "
                + "AS u(" + cols.stream().map(Column::name).collect(Collectors.joining(", ")) + ") "
                // a duplicate (id inserted before, live unique key, dedup key of the tree) is skipped and resolved by the caller
                + "ON CONFLICT DO NOTHING RETURNING " + JobRows.COLUMNS;
    }

    /** Inserts the rows; returns those inserted (duplicates are left out). */
    List<Job> insert(Connection c, List<NewJob> rows) throws SQLException {
        boolean plain = rows.stream().allMatch(JobRows::plain);
        List<Column> cols = plain ? PLAIN : all;
        try (PreparedStatement ps = c.prepareStatement(plain ? plainSql : treeSql)) {
            for (int k = 0; k < cols.size(); k++) {
                Column col = cols.get(k);
                // typed arrays, as the driver encodes them best
                Object[] values = switch (col.arrayType()) {
                    case "uuid" -> new java.util.UUID[rows.size()];
                    case "int4" -> new Integer[rows.size()];
                    case "int8" -> new Long[rows.size()];
                    default -> new String[rows.size()];
                };
                for (int i = 0; i < values.length; i++) values[i] = col.value().apply(rows.get(i));
                ps.setArray(k + 1, c.createArrayOf(col.arrayType(), values));
            }
            return queries.jobs(ps);
        }
    }

    /** An instant as ISO-8601 text with an explicit Z, which PostgreSQL reads the same in any time zone. */
    static String text(Instant t) {
        return t == null ? null : SqlDialect.ms(t).toString();
    }
}
