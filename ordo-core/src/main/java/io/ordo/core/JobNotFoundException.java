package io.ordo.core;

/** A job id that is not in the store. */
public class JobNotFoundException extends OrdoException {
    public JobNotFoundException(String message) {
        super("not_found", message);
    }
}
