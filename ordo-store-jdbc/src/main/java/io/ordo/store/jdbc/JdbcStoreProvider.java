package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;

import java.util.Map;

/**
 * {@code jdbc:sqlite:PATH} (embedded; the file and its directory are created) and
 * {@code jdbc:postgresql://HOST[:PORT]/DB} (distributed). Properties: {@code user}, {@code password},
 * {@code maxPoolSize}, {@code schema} (PostgreSQL; created if missing; {@code currentSchema} in the
 * URL works too). Any other property is passed to the JDBC driver.
 */
public final class JdbcStoreProvider implements JobStoreProvider {
    @Override
    public boolean supports(String url) {
        return url != null && (url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:"));
    }

    @Override
    public JobStore open(String url, Map<String, String> properties) {
        JdbcSettings s = JdbcSettings.of(url, properties);
        if (url.startsWith("jdbc:sqlite:")) return SqliteJobStore.open(s);
        if (url.startsWith("jdbc:postgresql:")) return PostgresJobStore.open(s);
        throw new io.ordo.core.InvalidRequestException("not a jdbc:sqlite: or jdbc:postgresql: URL: '" + url + "'");
    }
}
