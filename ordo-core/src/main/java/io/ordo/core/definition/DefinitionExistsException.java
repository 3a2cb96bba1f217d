package io.ordo.core.definition;

import io.ordo.core.ConflictException;

/** A create found a definition with the same id already stored. */
public final class DefinitionExistsException extends ConflictException {
    private final String id;
    private final int version;

    public DefinitionExistsException(String id, int version) {
        super("job definition '" + id + "' exists already (version " + version + "); replace it to change it");
        this.id = id;
        this.version = version;
    }

    public String id() {
        return id;
    }

    public int version() {
        return version;
    }
}
