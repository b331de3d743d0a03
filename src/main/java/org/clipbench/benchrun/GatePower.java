package org.clipbench.benchrun;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.clipbench.compare.Compare;
import org.clipbench.io.AtomicFiles;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.measurement.BackgroundLoad;

/**
 * The regression gate's power, measured (issue 34): A/Bs of this build against itself with a slowdown injected into
 * the candidate's forks (NormBenchmark's extra work, -p extra=s; s = 0 is an A/A), each under a background load
 * (stress-ng: none, one core at 50%, one core at 100%), repeated. Trials run in a shuffled order, so a drift of the
 * machine over the study falls on every combination alike. Each finished trial is a row of trials.csv (written
 * atomically; a rerun of the study continues where it stopped); the A/B folders are under trials/.
 *
 * @param dir      the study's folder, locked by the caller
 * @param base     the checkout whose target/benchmarks.jar serves as the base (this build: an A/B of the build with itself)
 * @param grid     the combinations each A/B runs (one is usual: its row's verdict is the trial's)
 * @param settings JMH settings of both sides
 * @param plan     the gate's plan (pairs, duet, budget), as a CI run would use it
 */
public record GatePower(Path dir, Path base, List<Combo> grid, Filters filters, BenchRun.Settings settings, AbRun.Plan plan,
                        Compare.Settings compare, PrintStream out) {

    /** One trial's outcome: its load, injected slowdown and index, the gate's outcome, the row's verdict and estimate, pairs and time. */
    public record Trial(String load, double slowdown, int index, String outcome, String verdict, double ratio, double ciLow, double ciHigh,
                        int pairs, double seconds) {
        String folder() {
            return String.format(Locale.ROOT, "%s-%.2f-%02d", load, slowdown, index);
        }

        String csv() {
            return String.format(Locale.ROOT, "%s,%s,%d,%s,%s,%s,%s,%s,%d,%.1f%n", load, slowdown, index, outcome, verdict, ratio, ciLow, ciHigh,
                    pairs, seconds);
        }
    }

    static final String HEADER = "load,slowdown,trial,outcome,verdict,ratio,ci_low,ci_high,pairs,seconds\n";

    /** Runs every trial not yet in trials.csv; returns them all. */
    public List<Trial> execute(List<String> loads, List<Double> slowdowns, int trials, int aaTrials, long seed) throws IOException {
        List<BackgroundLoad.Spec> specs = loads.stream().map(BackgroundLoad.Spec::parse).toList();
        for (double s : slowdowns) {
            if (!(s >= 0 && s <= 10)) throw new IllegalArgumentException("--slowdowns: " + s + " is not an extra fraction of work in [0, 10]");
        }
        if (specs.stream().anyMatch(x -> !x.isNone()) && !BackgroundLoad.available()) {
            throw new IllegalArgumentException("--loads " + String.join(",", loads) + " need stress-ng: apt-get install stress-ng, or use --loads none");
        }
        Map<String, Trial> done = read(dir.resolve("trials.csv"));
        List<Trial> todo = new ArrayList<>();
        for (BackgroundLoad.Spec spec : specs) {
            for (double s : slowdowns) {
                for (int i = 1; i <= (s == 0 ? aaTrials : trials); i++) todo.add(new Trial(spec.name(), s, i, "", "", 0, 0, 0, 0, 0));
            }
        }
        Collections.shuffle(todo, new Random(seed)); // drift over hours falls on every combination alike
        int n = 0;
        for (Trial t : todo) {
            n++;
            if (done.containsKey(t.folder())) continue;
            out.printf(Locale.ROOT, "== trial %d/%d: load %s, injected slowdown %.0f%%, #%d%n", n, todo.size(), t.load(), 100 * t.slowdown(), t.index());
            Trial result = run(t, BackgroundLoad.Spec.parse(t.load()));
            done.put(t.folder(), result);
            write(done);
            out.printf(Locale.ROOT, "== trial %d/%d: %s (ratio %.3f [%.3f, %.3f], %d pairs, %.0f s)%n", n, todo.size(), result.outcome(), result.ratio(),
                    result.ciLow(), result.ciHigh(), result.pairs(), result.seconds());
        }
        return new ArrayList<>(done.values());
    }

    private Trial run(Trial t, BackgroundLoad.Spec spec) throws IOException {
        Path ab = dir.resolve("trials").resolve(t.folder());
        if (Files.exists(ab)) deleteRecursively(ab); // an interrupted trial starts again: its load may not have been what it says
        Files.createDirectories(ab);
        String candidateJmh = t.slowdown() == 0 ? null : String.format(Locale.ROOT, "-p extra=%s", t.slowdown());
        long start = System.nanoTime();
        AbRun.Outcome o;
        try (BackgroundLoad load = BackgroundLoad.start(spec); var folder = org.clipbench.io.RunFolder.lock(ab)) {
            o = new AbRun(folder.dir(), settings, filters, base, plan, candidateJmh, out).execute(grid, compare);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Compare.Result r = o.comparison();
        String outcome = r.regressed() ? "REGRESSION" : r.inconclusive() ? "INCONCLUSIVE" : "PASS";
        Compare.Row row = r.rows().get(0);
        int pairs = r.rows().stream().mapToInt(x -> x.base().forks()).min().orElse(0);
        return new Trial(t.load(), t.slowdown(), t.index(), outcome, row.verdict().name(), row.ratio(), row.ciLow(), row.ciHigh(), pairs, seconds);
    }

    private void write(Map<String, Trial> done) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER);
        done.values().stream().sorted(java.util.Comparator.comparing(Trial::load).thenComparingDouble(Trial::slowdown).thenComparingInt(Trial::index))
                .forEach(t -> sb.append(t.csv()));
        AtomicFiles.writeString(dir.resolve("trials.csv"), sb.toString());
    }

    /** The trials already in trials.csv, by folder name. */
    static Map<String, Trial> read(Path csv) throws IOException {
        Map<String, Trial> out = new LinkedHashMap<>();
        if (!Files.exists(csv)) return out;
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty() || !(lines.get(0) + "\n").equals(HEADER)) {
            throw new IllegalArgumentException(csv + ": not a trials table of gate-power (header " + HEADER.strip() + "); give --out a new folder");
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Trial t = new Trial(f[0], Double.parseDouble(f[1]), Integer.parseInt(f[2]), f[3], f[4], Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]), Integer.parseInt(f[8]), Double.parseDouble(f[9]));
            out.put(t.folder(), t);
        }
        return out;
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
