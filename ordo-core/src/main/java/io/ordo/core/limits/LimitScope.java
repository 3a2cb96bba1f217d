package io.ordo.core.limits;

import io.ordo.core.InvalidRequestException;

/** What a stored limit applies to: every job of a queue, or every job of a type (in any queue). */
public enum LimitScope {
    QUEUE("queue"), TYPE("type");

    private final String wire;

    LimitScope(String wire) {
        this.wire = wire;
    }

    public String wireName() {
        return wire;
    }

    public static LimitScope fromWire(String s) {
        for (LimitScope v : values()) if (v.wire.equals(s)) return v;
        throw new InvalidRequestException("limit scope '" + s + "' is unknown: use queue or type");
    }
}
