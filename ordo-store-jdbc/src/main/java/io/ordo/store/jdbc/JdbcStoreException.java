package io.ordo.store.jdbc;

import io.ordo.core.OrdoException;

/** The database failed or could not be reached; the message says which store and what the driver reported. */
public class JdbcStoreException extends OrdoException {
    public JdbcStoreException(String message, Throwable cause) {
        super("store_error", message, cause);
    }

    public JdbcStoreException(String message) {
        super("store_error", message);
    }
}
