package io.ordo.core.batch;

import io.ordo.core.InvalidRequestException;

/** Bad input in one part of a batch request; {@link #field()} names it (e.g. {@code on_failure.type}). */
public final class BatchFieldException extends InvalidRequestException {
    private final String field;

    public BatchFieldException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
