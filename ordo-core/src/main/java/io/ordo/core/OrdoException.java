package io.ordo.core;

/** Base of Ordo's checked-by-contract errors; {@link #code()} is the stable error code used over REST. */
public class OrdoException extends RuntimeException {
    private final String code;

    public OrdoException(String code, String message) {
        super(message);
        this.code = code;
    }

    public OrdoException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
