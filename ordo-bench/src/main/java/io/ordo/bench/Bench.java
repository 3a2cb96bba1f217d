package io.ordo.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Entry point of {@code ordo-bench}. Usage:
 * <pre>
 *   java -jar ordo-bench/target/ordo-bench.jar [--stores sqlite,postgres] [--jobs 20000] [--batch 1000]
 *        [--concurrency 200] [--claim-batch 100] [--latency-samples 200] [--floor true]
 *        [--claimers 2] [--writers 2] [--rounds 3]
 *   java -jar ordo-bench/target/ordo-bench.jar dashboard [options of {@link DashboardBench}]
 * </pre>
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("dashboard")) {
            DashboardBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Map<String, String> opt = new HashMap<>(Map.of("stores", "sqlite,postgres", "jobs", "20000", "batch", "1000",
                "concurrency", "200", "claim-batch", "100", "latency-samples", "200", "floor", "true",
                "claimers", "2", "writers", "2", "rounds", "3"));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !opt.containsKey(args[i].substring(2))) {
                System.err.println("ordo-bench: unknown or incomplete option '" + args[i] + "'; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        int jobs = Integer.parseInt(opt.get("jobs"));
        System.out.printf(Locale.ROOT, "Ordo burn-down: %d no-op jobs, submit batches of %s, %s slots, claim batch %s; %d cores, Java %s%n",
                jobs, opt.get("batch"), opt.get("concurrency"), opt.get("claim-batch"),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<BurnDown.Result> results = new ArrayList<>();
        int rounds = Integer.parseInt(opt.get("rounds"));
        for (String name : opt.get("stores").split(",")) {
            // each round on a fresh database; the first rounds also warm up the JIT, the last one counts
            BurnDown.Result last = null;
            for (int round = 1; round <= rounds; round++) {
                BenchStore store = switch (name.trim()) {
                    case "memory" -> new BenchStore("memory", "memory:", Map.of(), null);
                    case "sqlite" -> BenchStore.sqlite();
                    case "postgres", "postgresql" -> BenchStore.postgres();
                    default -> throw new IllegalArgumentException("unknown store " + name + " (memory, sqlite, postgres)");
                };
                try {
                    last = BurnDown.run(store, jobs, Integer.parseInt(opt.get("batch")), Integer.parseInt(opt.get("concurrency")),
                            Integer.parseInt(opt.get("claim-batch")), Integer.parseInt(opt.get("latency-samples")),
                            Integer.parseInt(opt.get("claimers")), Integer.parseInt(opt.get("writers")));
                    System.out.println("round " + round + "/" + rounds + "  " + BurnDown.format(last));
                } finally {
                    store.drop();
                }
            }
            results.add(last);
        }
        boolean pg = results.stream().anyMatch(r -> r.store().equals("postgresql"));
        if (pg && Boolean.parseBoolean(opt.get("floor"))) {
            double floor1 = RawFloor.run(jobs, 1, 10);
            double floor100 = RawFloor.run(jobs, 100, 10);
            System.out.printf(Locale.ROOT, "raw SQL floor (10 threads, UPDATE ... SKIP LOCKED): %,.0f rows/s claiming 1, %,.0f rows/s claiming 100%n", floor1, floor100);
            for (BurnDown.Result r : results) {
                if (!r.store().equals("postgresql")) continue;
                System.out.printf(Locale.ROOT, "ordo on postgresql end-to-end = %.2fx the claim-1 floor, %.2f of the claim-100 floor%n",
                        r.endToEndPerSec() / floor1, r.endToEndPerSec() / floor100);
            }
        }
    }
}
