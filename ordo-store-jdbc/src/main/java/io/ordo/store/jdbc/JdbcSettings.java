package io.ordo.store.jdbc;

import io.ordo.core.InvalidRequestException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach a store's database, from a URL and the properties map: {@code user}, {@code password},
 * {@code maxPoolSize}, {@code schema} (PostgreSQL); every other property goes to the JDBC driver.
 */
record JdbcSettings(String url, String user, String password, Integer maxPoolSize, String schema,
                    Map<String, String> driverProperties) {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern CURRENT_SCHEMA = Pattern.compile("[?&]currentSchema=([^&]*)");

    JdbcSettings {
        driverProperties = Map.copyOf(driverProperties);
    }

    static JdbcSettings of(String url, Map<String, String> properties) {
        Map<String, String> rest = new LinkedHashMap<>(properties == null ? Map.of() : properties);
        String user = rest.remove("user");
        String password = rest.remove("password");
        String pool = rest.remove("maxPoolSize");
        String schema = rest.remove("schema");
        Integer maxPoolSize = null;
        if (pool != null && !pool.isBlank()) {
            try {
                maxPoolSize = Integer.parseInt(pool.trim());
            } catch (NumberFormatException e) {
                maxPoolSize = 0;
            }
            if (maxPoolSize < 1) throw new InvalidRequestException("maxPoolSize: '" + pool + "' is not a positive whole number");
        }
        if (schema != null && schema.isBlank()) schema = null;
        return new JdbcSettings(url, user, password, maxPoolSize, schema, rest);
    }

    int poolSize(int fallback) {
        return maxPoolSize == null ? fallback : maxPoolSize;
    }

    /**
     * The PostgreSQL schema of the store: the {@code schema} property, else {@code currentSchema}
     * from the URL (its first entry), else null (the connection's default, usually public).
     */
    String pgSchema() {
        String s = schema;
        if (s == null) {
            Matcher m = CURRENT_SCHEMA.matcher(url);
            if (m.find()) {
                s = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8).split(",")[0].trim();
                if (s.isEmpty()) s = null;
            }
        }
        if (s != null && !SCHEMA.matcher(s).matches()) {
            throw new InvalidRequestException("schema: '" + s + "' is not a plain lower-case SQL name (letters, digits, _)");
        }
        return s;
    }
}
