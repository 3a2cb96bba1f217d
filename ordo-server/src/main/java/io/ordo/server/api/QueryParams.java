package io.ordo.server.api;

import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Jobs;
import io.ordo.core.engine.Names;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.util.Cursors;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Strict reading of query parameters: unknown names are refused by name (a typo such as
 * {@code ?stauts=failed} must not silently list everything), each value is checked, and every
 * problem is a 400 naming the parameter.
 */
final class QueryParams {
    static final Set<String> PAGE = Set.of("limit", "cursor");
    /** The filter parameters of {@code GET /api/jobs} (and of a bulk request's {@code filter}). */
    static final Set<String> FILTER = Set.of("status", "queue", "type", "parent_id", "root_id", "error");

    private final Context ctx;

    private QueryParams(Context ctx) {
        this.ctx = ctx;
    }

    /** The parameters of {@code ctx}, refusing any not in {@code allowed}. */
    static QueryParams of(Context ctx, Set<String> allowed) {
        for (String name : ctx.queryParamMap().keySet()) {
            if (!allowed.contains(name)) {
                throw ApiError.badField(name, "unknown query parameter '" + name + "'"
                        + (allowed.isEmpty() ? " (this route takes none)" : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        }
        return new QueryParams(ctx);
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    /** The single value of {@code name}, null when absent or blank; twice is an error (which one would win?). */
    String one(String name) {
        List<String> values = ctx.queryParams(name);
        if (values.isEmpty()) return null;
        if (values.size() > 1) throw ApiError.badField(name, "query parameter '" + name + "' is given " + values.size() + " times; give it once");
        String v = values.get(0);
        return v == null || v.isBlank() ? null : v.trim();
    }

    int limit(int fallback) {
        String s = one("limit");
        if (s == null) return fallback;
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= Jobs.MAX_PAGE) return n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badField("limit", "query parameter 'limit' must be a whole number 1-" + Jobs.MAX_PAGE + " (got '" + s + "')");
    }

    /** The cursor, checked now so that a bad one is a 400 whatever the store. */
    String cursor() {
        String c = one("cursor");
        if (c == null) return null;
        try {
            Cursors.decode(c);
        } catch (InvalidRequestException e) {
            throw ApiError.badField("cursor", "query parameter 'cursor' is not a cursor returned by a listing (got '" + c + "')");
        }
        return c;
    }

    /** The cursor of a listing keyed by a number (saved results), checked now. */
    String seqCursor() {
        String c = one("cursor");
        if (c == null) return null;
        try {
            Cursors.decodeSeq(c);
        } catch (InvalidRequestException e) {
            throw ApiError.badField("cursor", "query parameter 'cursor' is not a cursor returned by a listing (got '" + c + "')");
        }
        return c;
    }

    long nonNegativeLong(String name, long fallback) {
        String s = one(name);
        if (s == null) return fallback;
        try {
            long n = Long.parseLong(s);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badField(name, "query parameter '" + name + "' must be a whole number ≥ 0 (got '" + s + "')");
    }

    UUID uuid(String name) {
        String s = one(name);
        if (s == null) return null;
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(name, "query parameter '" + name + "' must be a job id (a UUID) (got '" + s + "')");
        }
    }

    /** {@code status=failed,cancelled} or {@code status=failed&status=cancelled}. */
    Set<JobStatus> statuses() {
        Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        for (String v : ctx.queryParams("status")) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) out.add(status("status", part));
            }
        }
        return out;
    }

    static JobStatus status(String field, String s) {
        try {
            return JobStatus.fromWire(s);
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(field, "'" + field + "': " + e.getMessage());
        }
    }

    String name(String name, boolean queue) {
        String s = one(name);
        if (s == null) return null;
        try {
            return queue ? Names.checkQueue(s) : Names.checkType(s);
        } catch (InvalidRequestException e) {
            throw ApiError.badField(name, "query parameter '" + name + "': " + e.getMessage());
        }
    }

    /** The job filter of {@link #FILTER}. */
    JobFilter filter() {
        return new JobFilter(statuses(), name("queue", true), name("type", false), uuid("parent_id"), uuid("root_id")).withError(error());
    }

    /** {@code error}: a job's last error, matched exactly, so not trimmed; empty means no filter. */
    private String error() {
        List<String> values = ctx.queryParams("error");
        if (values.isEmpty()) return null;
        if (values.size() > 1) throw ApiError.badField("error", "query parameter 'error' is given " + values.size() + " times; give it once");
        String v = values.get(0);
        return v == null || v.isEmpty() ? null : v;
    }
}
