package io.ordo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every round of every system in one run, and the closing table: median jobs/s per system and
 * Ordo's ratio to each peer. Round 1 is a warm-up (JIT, PostgreSQL caches) and left out of the
 * medians when there is more than one round.
 */
final class Comparison {
    private record Entry(int round, Peer.Result result) {
    }

    private final Map<String, List<Entry>> bySystem = new LinkedHashMap<>();
    private final int rounds;

    Comparison(int rounds) {
        this.rounds = rounds;
    }

    void add(int round, Peer.Result r) {
        bySystem.computeIfAbsent(r.system(), k -> new ArrayList<>()).add(new Entry(round, r));
    }

    /** The rounds that count: all but the first, unless there is only one (a peer may have failed in some). */
    private List<Peer.Result> counted(String system) {
        return bySystem.get(system).stream().filter(e -> rounds == 1 || e.round() > 1).map(Entry::result).toList();
    }

    double median(String system) {
        return median(counted(system).stream().mapToDouble(Peer.Result::endToEndPerSec).toArray());
    }

    /** From first submit to all done: peers measure that already; Ordo's submit and run phases are added up. */
    private double median(String system, boolean withSubmit) {
        if (!withSubmit || !system.startsWith("ordo-")) return median(system);
        return median(counted(system).stream().mapToDouble(r -> 1 / (1 / r.submitPerSec() + 1 / r.endToEndPerSec())).toArray());
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    void print() {
        String which = rounds > 1 ? "rounds 2.." + rounds + " (round 1 is a warm-up and not counted)" : "round 1 only (a warm-up round: read with care)";
        System.out.printf(Locale.ROOT, "%nMedians over %s, jobs/s:%n", which);
        System.out.printf(Locale.ROOT, "  %-18s %12s %18s   %s%n", "system", "end-to-end", "incl. submitting", "every round (end-to-end)");
        for (String system : bySystem.keySet()) {
            StringBuilder each = new StringBuilder();
            for (Entry e : bySystem.get(system)) each.append(String.format(Locale.ROOT, "r%d %,.0f  ", e.round(), e.result().endToEndPerSec()));
            System.out.printf(Locale.ROOT, "  %-18s %,12.0f %,18.0f   %s%n", system, median(system), median(system, true), each.toString().trim());
        }
        List<String> ordo = bySystem.keySet().stream().filter(s -> s.startsWith("ordo-")).toList();
        List<String> peers = bySystem.keySet().stream().filter(s -> !s.startsWith("ordo-")).toList();
        System.out.println("  (end-to-end: Ordo from starting the workers on a filled queue until the store counts all completed"
                + (peers.isEmpty() ? "" : "; db-scheduler and JobRunr from the first submit, workers running, until the last handler"
                + " call returned; the floor: rows/s of a bare UPDATE ... SKIP LOCKED loop")
                + ". incl. submitting: Ordo's submit and run phases added up.)");
        List<String> carried = ordo.stream().filter(s -> s.contains("+")).toList();
        if (!carried.isEmpty()) {
            System.out.printf(Locale.ROOT, "%nEach transport / jdbc on the same store (end-to-end; incl. submitting in brackets):%n");
            for (String s : carried) {
                String base = s.substring(0, s.indexOf('+'));
                if (!bySystem.containsKey(base)) continue;
                System.out.printf(Locale.ROOT, "  %-28s %.2fx (%.2fx)%n", s, median(s) / median(base), median(s, true) / median(base, true));
            }
        }
        if (ordo.isEmpty() || peers.isEmpty()) return;
        System.out.printf(Locale.ROOT, "%nOrdo's median / the peer's median (end-to-end; incl. submitting in brackets):%n");
        System.out.printf(Locale.ROOT, "  %-18s", "peer");
        for (String o : ordo) System.out.printf(Locale.ROOT, " %24s", o);
        System.out.println();
        for (String p : peers) {
            System.out.printf(Locale.ROOT, "  %-18s", p);
            for (String o : ordo) {
                String cell = String.format(Locale.ROOT, "%.2fx (%.2fx)", median(o) / median(p), median(o, true) / median(p, true));
                System.out.printf(Locale.ROOT, " %24s", cell);
            }
            System.out.println();
        }
    }
}
