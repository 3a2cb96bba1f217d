package io.ordo.core.model;

import java.util.Locale;

public enum LogLevel {
    DEBUG, INFO, WARN, ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LogLevel fromWire(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
