package io.ordo.core;

/** A spawn that would exceed a limit: the maximum depth, or a scope's max children / max depth. Nothing was created. */
public class SpawnLimitException extends OrdoException {
    public SpawnLimitException(String message) {
        super("spawn_limit", message);
    }
}
