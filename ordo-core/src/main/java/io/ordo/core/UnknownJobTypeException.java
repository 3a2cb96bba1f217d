package io.ordo.core;

/** A job type with no handler registered where the job was submitted. */
public class UnknownJobTypeException extends InvalidRequestException {
    public UnknownJobTypeException(String type, java.util.Collection<String> known) {
        super("unknown job type '" + type + "' (registered: " + String.join(", ",
                known.stream().filter(t -> !t.startsWith("ordo.")).sorted().toList()) + ")");
    }
}
