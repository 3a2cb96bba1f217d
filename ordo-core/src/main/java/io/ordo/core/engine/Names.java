package io.ordo.core.engine;

import io.ordo.core.InvalidRequestException;

import java.util.regex.Pattern;

/** Rules for the names users choose: queues and job types. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private Names() {
    }

    public static String checkQueue(String q) {
        return check("queue", q);
    }

    public static String checkType(String t) {
        return check("type", t);
    }

    private static String check(String what, String v) {
        if (v == null || !NAME.matcher(v).matches()) {
            throw new InvalidRequestException(what + " '" + v + "' is invalid: use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit");
        }
        return v;
    }
}
