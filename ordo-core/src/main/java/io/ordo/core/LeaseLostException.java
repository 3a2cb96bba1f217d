package io.ordo.core;

/** A worker wrote for a job whose lease it no longer holds (expired and taken over, cancelled or handed back). */
public class LeaseLostException extends OrdoException {
    public LeaseLostException(String message) {
        super("lease_lost", message);
    }
}
