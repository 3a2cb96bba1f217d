package io.ordo.core.limits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How many jobs a limited claim may start, worked out from the limit rows the claim has locked and
 * the running counts read under those locks; one rule for every store. The queue's limit bounds the
 * whole claim (max_running minus running, the rate left in its window); each type's limit bounds the
 * jobs of that type. The store picks candidates in claim order and keeps those {@link #choose} allows.
 */
public final class ClaimPlan {
    private final Instant now;
    private final Limit queueLimit;
    private final Map<String, Limit> typeLimits;
    private final long total;
    private final Map<String, Long> typeAllowance = new HashMap<>();
    private final Set<String> openTypes = new LinkedHashSet<>();
    private Instant windowEnds;

    /**
     * @param queueLimit   the queue's limit row, or null
     * @param typeLimits   the limit rows of the claim's types that have one
     * @param queueRunning jobs running in the queue (read only when the queue has a max_running)
     * @param typeRunning  jobs running of each type that has a max_running
     */
    public ClaimPlan(int limit, Set<String> types, Instant now, Limit queueLimit, Map<String, Limit> typeLimits, long queueRunning,
                     Map<String, Long> typeRunning) {
        this.now = now;
        this.queueLimit = queueLimit;
        this.typeLimits = Map.copyOf(typeLimits);
        long t = limit;
        if (queueLimit != null) {
            if (queueLimit.maxRunning() != null) t = Math.min(t, Math.max(0, queueLimit.maxRunning() - queueRunning));
            t = Math.min(t, rateLeft(queueLimit));
        }
        this.total = t;
        for (String type : types) {
            Limit l = typeLimits.get(type);
            if (l == null) {
                openTypes.add(type);
                continue;
            }
            long a = rateLeft(l);
            if (l.maxRunning() != null) a = Math.min(a, Math.max(0, l.maxRunning() - typeRunning.getOrDefault(type, 0L)));
            if (a > 0) {
                openTypes.add(type);
                typeAllowance.put(type, a);
            }
        }
    }

    private long rateLeft(Limit l) {
        long left = l.rateRemaining(now);
        if (left == 0) {
            Instant end = l.rate().windowStart(now).plus(l.rate().window());
            if (windowEnds == null || end.isBefore(windowEnds)) windowEnds = end;
        }
        return left;
    }

    /** Jobs this claim may start at most. */
    public int total() {
        return openTypes.isEmpty() ? 0 : (int) Math.min(Integer.MAX_VALUE, total);
    }

    /** The claim's types that may still start a job. */
    public Set<String> openTypes() {
        return openTypes;
    }

    /** How many jobs of {@code type} may start at most (capped by {@link #total()}). */
    public int allowance(String type) {
        if (!openTypes.contains(type)) return 0;
        return (int) Math.min(total(), typeAllowance.getOrDefault(type, Long.MAX_VALUE));
    }

    /** Whether {@code type} has a limit of its own (its candidates are picked separately). */
    public boolean capped(String type) {
        return typeAllowance.containsKey(type);
    }

    /** The end of the earliest rate window that is used up, or null when no rate held the claim back. */
    public Instant windowEnds() {
        return windowEnds;
    }

    /** The candidates (in claim order) that may start: at most {@link #total()}, and per type at most its allowance. */
    public <T> List<T> choose(List<T> candidates, Function<T, String> typeOf) {
        int room = total();
        List<T> out = new ArrayList<>();
        Map<String, Integer> taken = new HashMap<>();
        for (T c : candidates) {
            if (out.size() >= room) break;
            String type = typeOf.apply(c);
            int had = taken.getOrDefault(type, 0);
            if (had >= allowance(type)) continue;
            taken.put(type, had + 1);
            out.add(c);
        }
        return out;
    }

    /** The limit rows whose rate window must count these claims (by type), with their new window state. */
    public List<Limit> counted(Map<String, Integer> claimedByType) {
        List<Limit> out = new ArrayList<>();
        int all = claimedByType.values().stream().mapToInt(Integer::intValue).sum();
        if (all == 0) return out;
        if (queueLimit != null && queueLimit.rate() != null) out.add(queueLimit.counted(now, all));
        typeLimits.forEach((type, l) -> {
            int n = claimedByType.getOrDefault(type, 0);
            if (l.rate() != null && n > 0) out.add(l.counted(now, n));
        });
        return out;
    }
}
