package io.ordo.core.queue;

import io.ordo.core.OrdoException;

/** The broker could not be reached or refused us; the message names it (never its password). */
public class TransportUnavailableException extends OrdoException {
    public TransportUnavailableException(String message) {
        super("transport_unavailable", message);
    }

    public TransportUnavailableException(String message, Throwable cause) {
        super("transport_unavailable", message, cause);
    }
}
