package io.ordo.core.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.DependencyRules;
import io.ordo.core.store.DependsOn;
import io.ordo.core.util.Json;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the {@code depends_on} of a batch's requests into what the store inserts: the dependants
 * start {@code waiting} with their dependencies in their meta ({@code depends_on}, {@code run_on_failure}),
 * references to batch items become the items' ids, and a cycle among the items is refused. The
 * dependencies come out ordered so that a job's batch dependencies precede it.
 */
public record DependencyPlan(List<NewJob> jobs, List<DependsOn> deps) {
    /** The most dependencies one job may have. */
    public static final int MAX_DEPENDENCIES = 1000;

    public static DependencyPlan of(List<JobRequest> requests, List<NewJob> built) {
        int n = requests.size();
        List<NewJob> jobs = new ArrayList<>(built);
        List<List<Integer>> items = new ArrayList<>(n);
        boolean any = false;
        for (int i = 0; i < n; i++) {
            JobRequest r = requests.get(i);
            String field = DependencyRules.field(i, n);
            List<Integer> mine = new ArrayList<>();
            items.add(mine);
            if (!r.hasDependencies()) {
                if (r.runOnFailure()) throw new InvalidRequestException(field.replace("depends_on", "run_on_failure") + ": only with depends_on");
                continue;
            }
            any = true;
            if (r.runAt() != null || r.delay() != null) throw new InvalidRequestException(field + ": cannot be combined with run_at or delay");
            for (Integer k : r.dependsOnItems()) {
                if (k == null || k < 0 || k >= n) throw new InvalidRequestException(field + ": #" + k + " is not an item of this batch (0-" + (n - 1) + ")");
                if (k == i) throw new InvalidRequestException(field + ": a job cannot depend on itself (#" + k + ")");
                mine.add(k);
            }
            for (UUID id : r.dependsOn()) if (id == null) throw new InvalidRequestException(field + ": null id");
            if (r.dependsOn().size() + mine.size() > MAX_DEPENDENCIES) {
                throw new InvalidRequestException(field + ": at most " + MAX_DEPENDENCIES + " dependencies per job");
            }
        }
        if (!any) return new DependencyPlan(jobs, List.of());
        List<Integer> order = topologicalOrder(items, n);
        List<DependsOn> deps = new ArrayList<>();
        for (int i : order) {
            JobRequest r = requests.get(i);
            if (!r.hasDependencies()) continue;
            Set<UUID> on = new LinkedHashSet<>(r.dependsOn());
            for (int k : items.get(i)) on.add(built.get(k).id());
            if (on.contains(built.get(i).id())) throw new InvalidRequestException(DependencyRules.field(i, n) + ": a job cannot depend on itself");
            NewJob b = built.get(i);
            ObjectNode meta = b.meta().deepCopy();
            ArrayNode ids = meta.putArray("depends_on");
            on.forEach(id -> ids.add(id.toString()));
            if (r.runOnFailure()) meta.put("run_on_failure", true);
            jobs.set(i, b.withStatus(JobStatus.WAITING, null, null, meta));
            deps.add(new DependsOn(b.id(), List.copyOf(on), r.runOnFailure()));
        }
        return new DependencyPlan(jobs, deps);
    }

    /** Items in an order where each comes after the items it depends on; a cycle is refused, naming it. */
    private static List<Integer> topologicalOrder(List<List<Integer>> items, int n) {
        int[] state = new int[n]; // 0 new, 1 on the path, 2 done
        List<Integer> out = new ArrayList<>(n);
        for (int start = 0; start < n; start++) {
            if (state[start] != 0) continue;
            // iterative DFS: deep chains in a 10 000-job batch must not overflow the stack
            List<int[]> stack = new ArrayList<>();
            stack.add(new int[]{start, 0});
            state[start] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.get(stack.size() - 1);
                List<Integer> next = items.get(top[0]);
                if (top[1] < next.size()) {
                    int k = next.get(top[1]++);
                    if (state[k] == 1) throw cycle(stack, k, n);
                    if (state[k] == 0) {
                        state[k] = 1;
                        stack.add(new int[]{k, 0});
                    }
                } else {
                    state[top[0]] = 2;
                    out.add(top[0]);
                    stack.remove(stack.size() - 1);
                }
            }
        }
        return out;
    }

    private static InvalidRequestException cycle(List<int[]> stack, int back, int n) {
        StringBuilder path = new StringBuilder();
        boolean in = false;
        for (int[] f : stack) {
            if (f[0] == back) in = true;
            if (in) path.append('#').append(f[0]).append(" -> ");
        }
        path.append('#').append(back);
        return new InvalidRequestException(DependencyRules.field(back, n) + ": dependency cycle " + path);
    }
}
