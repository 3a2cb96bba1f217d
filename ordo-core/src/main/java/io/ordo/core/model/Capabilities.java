package io.ordo.core.model;

import io.ordo.core.InvalidRequestException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Key=value pairs: what a node offers ({@code --capability gpu=1}) or what a job requires
 * ({@code requires: {gpu: "1"}}). A node can run a job when every required pair is among its own,
 * compared as text.
 *
 * <p>Stored on a job as its {@linkplain #canonical() canonical text}: the pairs sorted by key and
 * joined by commas ({@code "class=io,gpu=1"}, {@code ""} for none). A node computes once the
 * canonical text of every subset of its pairs ({@link #subsetKeys()}), so its claim is one equality
 * test per job ({@code requires = ANY(keys)}) that keeps the claim index in use. That is why a node
 * has at most {@value #MAX} capabilities: 2^8 = 256 keys.
 */
public final class Capabilities {
    /** At most this many pairs on a node or a job (a node's subsets: 2^MAX). */
    public static final int MAX = 8;
    private static final int MAX_TEXT = 64;
    private static final Pattern KEY = Pattern.compile("[a-z0-9_.-]+");
    private static final Pattern VALUE = Pattern.compile("[^,=\\s]+");
    public static final Capabilities NONE = new Capabilities(new TreeMap<>());

    private final SortedMap<String, String> pairs;

    private Capabilities(SortedMap<String, String> pairs) {
        this.pairs = Collections.unmodifiableSortedMap(pairs);
    }

    /**
     * From a map as JSON or YAML gives it; numbers become their text ({@code gpu: 1}
     * is {@code gpu=1}). Throws {@link InvalidRequestException} naming {@code what} and the bad pair.
     */
    public static Capabilities of(Map<String, ?> map, String what) {
        if (map == null || map.isEmpty()) return NONE;
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v != null && !(v instanceof String || v instanceof Number)) {
                throw new InvalidRequestException(what + ": the value of '" + e.getKey() + "' must be a string or a number");
            }
            check(e.getKey(), v == null ? null : v.toString(), what);
            out.put(e.getKey(), v.toString());
        }
        return checked(out, what);
    }

    /** From {@code key=value} texts (CLI flags, the environment). */
    public static Capabilities parse(Collection<String> texts, String what) {
        if (texts == null || texts.isEmpty()) return NONE;
        TreeMap<String, String> out = new TreeMap<>();
        for (String t : texts) {
            int eq = t == null ? -1 : t.indexOf('=');
            if (eq < 0) throw new InvalidRequestException(what + ": '" + t + "' is not key=value (e.g. gpu=1)");
            String k = t.substring(0, eq), v = t.substring(eq + 1);
            check(k, v, what);
            if (out.containsKey(k) && !out.get(k).equals(v)) {
                throw new InvalidRequestException(what + ": '" + k + "' is given twice (" + out.get(k) + " and " + v + ")");
            }
            out.put(k, v);
        }
        return checked(out, what);
    }

    /** A comma-separated list of {@code key=value} (the {@code ORDO_CAPABILITIES} variable); blank is none. */
    public static Capabilities parseList(String text, String what) {
        if (text == null || text.isBlank()) return NONE;
        List<String> parts = new ArrayList<>();
        for (String p : text.split(",", -1)) parts.add(p.strip());
        return parse(parts, what);
    }

    /** From a job's stored canonical text (trusted: written by {@link #canonical()}). */
    public static Capabilities fromCanonical(String canonical) {
        if (canonical == null || canonical.isEmpty()) return NONE;
        TreeMap<String, String> out = new TreeMap<>();
        for (String p : canonical.split(",")) {
            int eq = p.indexOf('=');
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return new Capabilities(out);
    }

    private static void check(String k, String v, String what) {
        if (k == null || k.isEmpty() || k.length() > MAX_TEXT || !KEY.matcher(k).matches()) {
            throw new InvalidRequestException(what + ": key '" + k + "' must be 1-" + MAX_TEXT + " of a-z 0-9 _ . - (e.g. gpu=1)");
        }
        if (v == null || v.isEmpty() || v.length() > MAX_TEXT || !VALUE.matcher(v).matches()) {
            throw new InvalidRequestException(what + ": the value of '" + k + "' must be 1-" + MAX_TEXT
                    + " characters without ',', '=' or spaces (e.g. gpu=1)");
        }
    }

    private static Capabilities checked(TreeMap<String, String> pairs, String what) {
        if (pairs.size() > MAX) {
            throw new InvalidRequestException(what + ": at most " + MAX + " pairs (got " + pairs.size()
                    + "); a node matches jobs through every subset of its capabilities, 2^" + MAX + " at most");
        }
        return new Capabilities(pairs);
    }

    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    public Map<String, String> asMap() {
        return pairs;
    }

    /** Sorted {@code k=v} pairs joined by commas; {@code ""} for none. The form stored on jobs. */
    public String canonical() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (!b.isEmpty()) b.append(',');
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    /** The canonical text of every subset of these pairs, {@code ""} included: the requirements a node with them meets. */
    public Set<String> subsetKeys() {
        List<Map.Entry<String, String>> list = new ArrayList<>(pairs.entrySet());
        Set<String> out = new LinkedHashSet<>();
        for (int mask = 0; mask < (1 << list.size()); mask++) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                if ((mask & (1 << i)) == 0) continue;
                if (!b.isEmpty()) b.append(',');
                b.append(list.get(i).getKey()).append('=').append(list.get(i).getValue());
            }
            out.add(b.toString());
        }
        return out;
    }

    /** True when every pair of {@code required} is among these. */
    public boolean satisfies(Capabilities required) {
        for (Map.Entry<String, String> e : required.pairs.entrySet()) {
            if (!e.getValue().equals(pairs.get(e.getKey()))) return false;
        }
        return true;
    }

    /** For people: {@code gpu=1, class=io}. */
    public String describe() {
        return canonical().replace(",", ", ");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Capabilities c && c.pairs.equals(pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    @Override
    public String toString() {
        return canonical();
    }
}
