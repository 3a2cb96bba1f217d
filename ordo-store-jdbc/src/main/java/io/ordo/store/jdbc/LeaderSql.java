package io.ordo.store.jdbc;

import io.ordo.core.store.LeaderLease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The leader lease row. Taking and renewing is one upsert whose update only applies when the
 * caller holds the lease or the holder's lease ended: the row lock of the upsert makes two racing
 * nodes see each other's write, so at most one gets a row back.
 */
final class LeaderSql {
    private static final String ROW = "cluster";

    private final SqlDialect d;
    private final String lead;
    private final String resign;
    private final String read;

    LeaderSql(SqlDialect d) {
        this.d = d;
        lead = d.sql("INSERT INTO {leader} AS l (name, node, term, since, until) VALUES (?, ?, 1, ?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET "
                + "term = CASE WHEN l.node = excluded.node THEN l.term ELSE l.term + 1 END, "
                + "since = CASE WHEN l.node = excluded.node THEN l.since ELSE excluded.since END, "
                + "node = excluded.node, until = excluded.until "
                + "WHERE l.node = excluded.node OR l.until <= ? "
                + "RETURNING node, term, since, until");
        resign = d.sql("UPDATE {leader} SET until = ? WHERE name = ? AND node = ? AND until > ?");
        read = d.sql("SELECT node, term, since, until FROM {leader} WHERE name = ?");
    }

    Optional<LeaderLease> lead(Connection c, String node, Instant now, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lead)) {
            ps.setString(1, ROW);
            ps.setString(2, node);
            d.setTime(ps, 3, SqlDialect.ms(now));
            d.setTime(ps, 4, SqlDialect.ms(now.plus(lease)));
            d.setTime(ps, 5, SqlDialect.ms(now));
            return one(ps);
        }
    }

    void resign(Connection c, String node, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(resign)) {
            d.setTime(ps, 1, SqlDialect.ms(now));
            ps.setString(2, ROW);
            ps.setString(3, node);
            d.setTime(ps, 4, SqlDialect.ms(now));
            ps.executeUpdate();
        }
    }

    Optional<LeaderLease> leader(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(read)) {
            ps.setString(1, ROW);
            return one(ps);
        }
    }

    private Optional<LeaderLease> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return Optional.empty();
            return Optional.of(new LeaderLease(rs.getString("node"), rs.getLong("term"), d.getTime(rs, "since"), d.getTime(rs, "until")));
        }
    }
}
