package io.ordo.core.store.memory;

import io.ordo.core.limits.ClaimPlan;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.LimitedClaim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** The in-memory store's claim under stored limits; the store's one lock makes it atomic. Same rule as the SQL stores ({@link ClaimPlan}). */
final class MemoryLimitedClaims {
    private MemoryLimitedClaims() {
    }

    /** Under the store's lock. {@code ids} null claims from the queue, otherwise only those ids. */
    static LimitedClaim claim(MemoryTable t, ClaimRequest req, Collection<UUID> ids) {
        Limit queueLimit = t.limits.get(MemoryTable.limitKey(LimitScope.QUEUE, req.queue()));
        if (queueLimit != null && !queueLimit.limitsClaims()) queueLimit = null;
        Map<String, Limit> typeLimits = new HashMap<>();
        for (String type : req.types()) {
            Limit l = t.limits.get(MemoryTable.limitKey(LimitScope.TYPE, type));
            if (l != null && l.limitsClaims()) typeLimits.put(type, l);
        }
        long inQueue = t.count(req.queue(), JobStatus.RUNNING);
        Map<String, Long> byType = new HashMap<>();
        for (String type : typeLimits.keySet()) byType.put(type, t.counts.type(type, JobStatus.RUNNING));
        ClaimPlan plan = new ClaimPlan(req.limit(), req.types(), req.now(), queueLimit, typeLimits, inQueue, byType);

        List<MemoryRow> candidates = new ArrayList<>();
        if (ids == null) {
            TreeSet<MemoryRow> pending = t.pendingByQueue.get(req.queue());
            if (pending != null) for (MemoryRow r : pending) if (req.types().contains(r.type) && req.meets(r.requires)) candidates.add(r);
        } else {
            for (UUID id : new LinkedHashSet<>(ids)) {
                MemoryRow r = t.rows.get(id);
                if (r != null && r.status == JobStatus.PENDING && r.queue.equals(req.queue()) && req.types().contains(r.type)
                        && req.meets(r.requires)) candidates.add(r);
            }
            candidates.sort(MemoryTable.CLAIM_ORDER);
        }
        List<MemoryRow> chosen = plan.choose(candidates, r -> r.type);
        List<Job> out = new ArrayList<>(chosen.size());
        Map<String, Integer> claimedByType = new HashMap<>();
        for (MemoryRow r : chosen) {
            t.move(r, JobStatus.RUNNING, req.now());
            r.attempt++;
            r.leaseOwner = req.owner();
            r.leaseUntil = req.now().plus(req.lease());
            r.startedAt = req.now();
            out.add(r.toJob());
            claimedByType.merge(r.type, 1, Integer::sum);
        }
        for (Limit l : plan.counted(claimedByType)) t.limits.put(MemoryTable.limitKey(l.scope(), l.name()), l);
        Set<UUID> deferred = new LinkedHashSet<>();
        if (ids != null) for (MemoryRow r : candidates) if (!chosen.contains(r)) deferred.add(r.id);
        return new LimitedClaim(out, deferred, plan.held(claimedByType), plan.windowEnds(claimedByType));
    }
}
