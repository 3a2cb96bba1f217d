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
    private final int limit;
    private final Set<String> types;
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
        this.limit = limit;
        this.types = Set.copyOf(types);
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
            Instant end = l.windowEnd(now);
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

    /**
     * Whether a limit kept the claim (with these claims, by type) below what was asked: the queue's
     * limit allowed fewer, a type was closed, or a type used up its allowance. The claimer then
     * backs off instead of asking again at once.
     */
    public boolean held(Map<String, Integer> claimedByType) {
        if (total() < limit || !openTypes.containsAll(types)) return true;
        for (String type : typeAllowance.keySet()) if (claimedByType.getOrDefault(type, 0) >= allowance(type)) return true;
        return false;
    }

    /**
     * The end of the earliest rate window that is used up once these claims (by type) are counted,
     * or null when no rate is used up: when claiming again makes sense at the earliest.
     */
    public Instant windowEnds(Map<String, Integer> claimedByType) {
        Instant end = windowEnds;
        int all = claimedByType.values().stream().mapToInt(Integer::intValue).sum();
        if (queueLimit != null) end = earlier(end, queueLimit, all);
        for (Map.Entry<String, Limit> e : typeLimits.entrySet()) end = earlier(end, e.getValue(), claimedByType.getOrDefault(e.getKey(), 0));
        return end;
    }

    private Instant earlier(Instant end, Limit l, int claimed) {
        if (l.rate() == null || claimed == 0 || l.rateRemaining(now) > claimed) return end;
        Instant e = l.windowEnd(now);
        return end == null || e.isBefore(end) ? e : end;
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
