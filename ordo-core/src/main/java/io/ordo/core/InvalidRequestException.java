package io.ordo.core;

/** Bad input from a caller: the message names the field and the problem. */
public class InvalidRequestException extends OrdoException {
    public InvalidRequestException(String message) {
        super("invalid_request", message);
    }
}
