package io.ordo.core;

/** The request is valid but the job's current state does not allow it (e.g. deleting a running job). */
public class ConflictException extends OrdoException {
    public ConflictException(String message) {
        super("conflict", message);
    }
}
