package io.ordo.bench;

import java.util.ArrayList;
import java.util.Arrays;
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
 *        [--peers db-scheduler,jobrunr,floor|none] [--peer-threads 20]
 *   java -jar ordo-bench/target/ordo-bench.jar dashboard [options of {@link DashboardBench}]
 *   java -jar ordo-bench/target/ordo-bench.jar backlog [options of {@link Backlog}]
 *   java -jar ordo-bench/target/ordo-bench.jar rate-limit [options of {@link RateLimitBench}]
 * </pre>
 * Rounds are interleaved: each round runs every store and then every peer once, so that a
 * slow patch of a shared machine falls on all systems rather than on one.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("dashboard")) {
            DashboardBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("rate-limit")) {
            RateLimitBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("backlog")) {
            Backlog.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Map<String, String> opt = new HashMap<>(Map.of("stores", "sqlite,postgres", "jobs", "20000", "batch", "1000",
                "concurrency", "200", "claim-batch", "100", "latency-samples", "200", "floor", "true",
                "claimers", "2", "writers", "2", "rounds", "3"));
        // default: every peer when PostgreSQL is among the stores (they all run on it); "none" skips them
        opt.put("peers", "default");
        opt.put("peer-threads", "20");
        // what carries Ordo's queue: jdbc (the store), redis, rabbitmq; each store runs once per transport
        opt.put("transports", "jdbc");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !opt.containsKey(args[i].substring(2))) {
                System.err.println("ordo-bench: unknown or incomplete option '" + args[i] + "'; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        int jobs = Integer.parseInt(opt.get("jobs"));
        int rounds = Integer.parseInt(opt.get("rounds"));
        List<String> stores = Arrays.stream(opt.get("stores").split(",")).map(String::trim).toList();
        List<String> transports = Arrays.stream(opt.get("transports").split(",")).map(String::trim).toList();
        for (String t : transports) {
            if (!TRANSPORTS.containsKey(t)) {
                System.err.println("ordo-bench: unknown transport '" + t + "' (jdbc, redis, rabbitmq)");
                System.exit(2);
            }
        }
        List<Peer> peers;
        try {
            peers = peers(opt, stores);
        } catch (IllegalArgumentException e) {
            System.err.println("ordo-bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf(Locale.ROOT, "Ordo burn-down: %d no-op jobs, submit batches of %s, %s slots, claim batch %s; %d cores, Java %s%n",
                jobs, opt.get("batch"), opt.get("concurrency"), opt.get("claim-batch"),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        if (!peers.isEmpty()) {
            System.out.println("peers on the same PostgreSQL, fresh tables each round: "
                    + String.join(", ", peers.stream().map(Peer::name).toList()));
        }
        System.out.println(rounds + " rounds, interleaved: each round runs every store, then every peer, once"
                + (rounds > 1 ? "; round 1 is a warm-up, left out of the medians" : ""));
        Comparison table = new Comparison(rounds);
        for (int round = 1; round <= rounds; round++) {
            for (String name : stores) {
                for (String transport : transports) {
                    BurnDown.Result r = ordoRound(name, transport, jobs, opt);
                    String system = "ordo-" + r.store() + (transport.equals("jdbc") ? "" : "+" + transport);
                    System.out.println("round " + round + "/" + rounds + "  " + BurnDown.format(r)
                            + (transport.equals("jdbc") ? "" : "   queue carried by " + transport));
                    table.add(round, new Peer.Result(system, jobs, r.enqueuePerSec(), r.endToEndPerSec(), ""));
                }
            }
            for (Peer peer : peers) {
                Peer.Result r;
                try {
                    r = peer.run(jobs);
                } catch (Exception e) {
                    // one peer failing should not cost the figures of the others
                    System.out.printf(Locale.ROOT, "round %d/%d  %-16s FAILED: %s%n", round, rounds, peer.name(), e);
                    continue;
                }
                System.out.printf(Locale.ROOT, "round %d/%d  %-16s jobs=%-7d %s end-to-end=%,9.0f jobs/s   %s%n", round, rounds, r.system(), r.jobs(),
                        r.submitPerSec() > 0 ? String.format(Locale.ROOT, "submit=%,10.0f jobs/s  ", r.submitPerSec()) : "", r.endToEndPerSec(), r.note());
                table.add(round, r);
            }
        }
        table.print();
    }

    /** Transport name → backend URL (the brokers' from ORDO_BENCH_REDIS_URL / ORDO_BENCH_AMQP_URL, else the local ones). */
    static final Map<String, String> TRANSPORTS = Map.of("jdbc", "jdbc",
            "redis", System.getenv().getOrDefault("ORDO_BENCH_REDIS_URL", "redis://127.0.0.1:6379"),
            "rabbitmq", System.getenv().getOrDefault("ORDO_BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672"));

    private static BurnDown.Result ordoRound(String name, String transport, int jobs, Map<String, String> opt) throws Exception {
        // each round on a fresh database
        BenchStore store = switch (name) {
            case "memory" -> new BenchStore("memory", "memory:", Map.of(), null);
            case "sqlite" -> BenchStore.sqlite();
            case "postgres", "postgresql" -> BenchStore.postgres();
            default -> throw new IllegalArgumentException("unknown store " + name + " (memory, sqlite, postgres)");
        };
        try {
            return BurnDown.run(store, jobs, Integer.parseInt(opt.get("batch")), Integer.parseInt(opt.get("concurrency")),
                    Integer.parseInt(opt.get("claim-batch")), Integer.parseInt(opt.get("latency-samples")),
                    Integer.parseInt(opt.get("claimers")), Integer.parseInt(opt.get("writers")), TRANSPORTS.get(transport));
        } finally {
            store.drop();
        }
    }

    private static List<Peer> peers(Map<String, String> opt, List<String> stores) {
        String spec = opt.get("peers");
        boolean pg = stores.contains("postgres") || stores.contains("postgresql");
        boolean floor = Boolean.parseBoolean(opt.get("floor"));
        if (spec.equals("none") || spec.equals("default") && !pg) return List.of();
        List<String> names = spec.equals("default") ? (floor ? List.of("floor", "db-scheduler", "jobrunr") : List.of("db-scheduler", "jobrunr"))
                : Arrays.stream(spec.split(",")).map(String::trim).toList();
        int threads = Integer.parseInt(opt.get("peer-threads"));
        List<Peer> peers = new ArrayList<>();
        for (String n : names) {
            switch (n) {
                // 10 threads: the floor as it has always been measured here
                case "floor" -> peers.addAll(List.of(new FloorPeer(1, 10), new FloorPeer(100, 10)));
                case "db-scheduler" -> peers.add(new DbSchedulerPeer(threads, 1000));
                case "jobrunr" -> peers.add(new JobRunrPeer(threads));
                default -> throw new IllegalArgumentException("unknown peer " + n + " (db-scheduler, jobrunr, floor, none)");
            }
        }
        return peers;
    }
}
