package org.clipbench.compare;

import org.clipbench.analysis.JmhResults;
import org.clipbench.io.Environment;
import org.clipbench.io.Markdown;
import org.clipbench.measurement.SteadyState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import tech.tablesaw.api.Table;

/**
 * Compares two sets of JMH results benchmark by benchmark, the way benchstat does, on the raw
 * iteration scores JMH records: medians, their ratio with a bootstrap confidence interval, a
 * Mann-Whitney U p-value (Commons Math), and a verdict that needs both significance (p < alpha) and
 * a minimum effect. Iterations of one fork are not independent (a fork's JIT and memory layout shift
 * all of them), so where both sides have at least {@link #FORK_LEVEL} forks the test runs on fork
 * medians and the bootstrap resamples forks, then iterations; with fewer forks it falls back to
 * iterations, which is optimistic. Whether higher is better comes from each result's JMH mode (thrpt: higher; avgt,
 * sample, ss: lower), never assumed.
 *
 * <p>A grid of many rows tested at alpha each calls alpha of its unchanged rows changed by chance, so by
 * default the verdicts use Benjamini-Hochberg adjusted p-values over the rows of one comparison (the
 * false discovery rate held at alpha); {@link Settings#falseDiscoveryControl} off uses the raw p.
 */
public final class Compare {
    private Compare() {
    }

    /** UNRELIABLE: a side was not measured at steady state (see {@link #unsteadiness}); neither faster nor slower. */
    public enum Verdict { FASTER, SLOWER, NO_CHANGE, UNRELIABLE }

    /** Forks per side from which the statistics treat forks, not iterations, as the samples. */
    public static final int FORK_LEVEL = 5;

    /** One benchmark and parameter combination present on both sides. */
    public record Row(String key, String mode, String unit, int nBase, int nCandidate, int forksBase, int forksCandidate,
                      double medianBase, double medianCandidate, double ratio, double ciLow, double ciHigh, double p, double pAdjusted,
                      Verdict verdict, String unsteady) {
        public boolean forkLevel() {
            return forksBase >= FORK_LEVEL && forksCandidate >= FORK_LEVEL;
        }

        /** This row judged on the given p-value (raw or adjusted); an unreliable row stays unreliable. */
        Row judgedOn(double adjusted, Settings s) {
            Verdict v = verdict == Verdict.UNRELIABLE ? Verdict.UNRELIABLE : Compare.verdict(adjusted, ratio, mode, key, s);
            return new Row(key, mode, unit, nBase, nCandidate, forksBase, forksCandidate, medianBase, medianCandidate, ratio, ciLow, ciHigh, p,
                    adjusted, v, unsteady);
        }
    }

    /** The comparison: rows on both sides, keys on one side only, and the geometric mean of the ratios. */
    public record Result(List<Row> rows, List<String> onlyBase, List<String> onlyCandidate, double geomeanRatio, boolean falseDiscoveryControl,
                         double alpha) {
        public boolean regressed() {
            return rows.stream().anyMatch(r -> r.verdict() == Verdict.SLOWER);
        }
    }

    /**
     * Settings: minimum relative effect (e.g. 0.05), significance level (with false-discovery control:
     * the false discovery rate q), bootstrap resamples, seed, parameters left out of the benchmark key
     * (to compare across them, e.g. a variant parameter), and whether Benjamini-Hochberg adjusts the p-values.
     */
    public record Settings(double minEffect, double alpha, int resamples, long seed, List<String> ignoredParams, boolean falseDiscoveryControl) {
        public Settings {
            if (!(minEffect >= 0)) throw new IllegalArgumentException("--min-effect must be >= 0");
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("--alpha must lie in (0, 1)");
            if (resamples < 100) throw new IllegalArgumentException("bootstrap needs at least 100 resamples");
            ignoredParams = ignoredParams == null ? List.of() : List.copyOf(ignoredParams);
        }

        public static Settings defaults() {
            return new Settings(0.05, 0.05, 2000, 1, List.of(), true);
        }

        public Settings withoutFalseDiscoveryControl() {
            return new Settings(minEffect, alpha, resamples, seed, ignoredParams, false);
        }
    }

    public static Result compare(List<Path> base, List<Path> candidate, Settings s) throws IOException {
        return compare(JmhResults.load(base), JmhResults.load(candidate), s);
    }

    /**
     * Compares the benchmarks both sides have. A comparison that could pass on nothing is bad input: a
     * side without results, no benchmark in common, or a non-finite score anywhere (a NaN iteration
     * would otherwise be folded into a median).
     */
    public static Result compare(Table base, Table candidate, Settings s) {
        Map<String, Samples> a = samples(base, s.ignoredParams(), "base"), b = samples(candidate, s.ignoredParams(), "candidate");
        if (a.isEmpty() || b.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: the " + (a.isEmpty() ? "base" : "candidate")
                    + " holds no benchmark results; point it at a results folder or JMH JSON file with results");
        }
        List<Row> rows = new ArrayList<>();
        List<String> onlyA = new ArrayList<>(), onlyB = new ArrayList<>();
        double logSum = 0;
        int n = 0;
        for (var e : a.entrySet()) {
            Samples sb = b.get(e.getKey());
            if (sb == null) {
                onlyA.add(e.getKey());
                continue;
            }
            Row r = row(e.getKey(), e.getValue(), sb, s);
            rows.add(r);
            if (r.ratio() > 0 && Double.isFinite(r.ratio())) {
                logSum += Math.log(r.ratio());
                n++;
            }
        }
        for (String k : b.keySet()) if (!a.containsKey(k)) onlyB.add(k);
        if (s.falseDiscoveryControl()) rows = adjusted(rows, s);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: no benchmark with the same parameters is in both inputs (base has "
                    + a.size() + ", e.g. '" + onlyA.get(0) + "'; candidate has " + b.size() + ", e.g. '" + onlyB.get(0)
                    + "'); compare runs of the same grid, or leave a differing parameter out with --ignore-params");
        }
        return new Result(rows, onlyA, onlyB, n == 0 ? Double.NaN : Math.exp(logSum / n), s.falseDiscoveryControl(), s.alpha());
    }

    /**
     * The rows judged on Benjamini-Hochberg adjusted p-values, over the rows that get a verdict at all
     * (an unreliable row is no test): p_(i) m / i, made monotone from the largest p down, at most 1.
     */
    static List<Row> adjusted(List<Row> rows, Settings s) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) if (rows.get(i).verdict() != Verdict.UNRELIABLE) tested.add(i);
        double[] p = tested.stream().mapToDouble(i -> rows.get(i).p()).toArray();
        double[] q = benjaminiHochberg(p);
        List<Row> out = new ArrayList<>(rows);
        for (int k = 0; k < tested.size(); k++) out.set(tested.get(k), rows.get(tested.get(k)).judgedOn(q[k], s));
        return out;
    }

    /** Benjamini-Hochberg (1995) adjusted p-values, in the order given. */
    public static double[] benjaminiHochberg(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(p[x], p[y]));
        double[] q = new double[m];
        double running = 1;
        for (int rank = m; rank >= 1; rank--) {
            int i = order[rank - 1];
            running = Math.min(running, p[i] * m / rank);
            q[i] = running;
        }
        return q;
    }

    private record Samples(String mode, String unit, List<double[]> forks) {
        double[] values() {
            return forks.stream().flatMapToDouble(Arrays::stream).toArray();
        }

        double[] forkMedians() {
            return forks.stream().mapToDouble(Compare::median).toArray();
        }
    }

    /** Raw iteration scores per benchmark key (class.method plus every parameter); repeated runs are pooled. */
    private static Map<String, Samples> samples(Table t, List<String> ignored, String side) {
        Map<String, Samples> out = new TreeMap<>();
        List<String> params = JmhResults.parameterColumns(t, ignored);
        for (int r = 0; r < t.rowCount(); r++) {
            String k = JmhResults.key(t, r, params);
            String raw = t.stringColumn("raw").get(r);
            List<double[]> forks = new ArrayList<>();
            if (raw.isBlank()) {
                forks.add(new double[] {t.doubleColumn("score").getDouble(r)});
            } else {
                for (String fork : raw.trim().split("\\|")) {
                    forks.add(Arrays.stream(fork.trim().split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
            for (double[] fork : forks) {
                for (double x : fork) {
                    if (!Double.isFinite(x)) {
                        throw new IllegalArgumentException(k + ": the " + side + " has a non-finite score (" + x
                                + ") in its iterations; a broken measurement cannot be compared: rerun that benchmark");
                    }
                }
            }
            Samples prev = out.get(k);
            if (prev != null) forks.addAll(0, prev.forks()); // repeated runs pool their forks
            out.put(k, new Samples(t.stringColumn("mode").get(r), t.stringColumn("unit").get(r), forks));
        }
        return out;
    }

    /** Higher is better for throughput; lower for average time, sample time and single shot. */
    public static boolean higherIsBetter(String mode, String key) {
        return switch (mode) {
            case "thrpt" -> true;
            case "avgt", "sample", "ss" -> false;
            default -> throw new IllegalArgumentException(key + ": unknown JMH mode '" + mode + "'; cannot tell which direction is better");
        };
    }

    static Row row(String key, Samples a, Samples b, Settings s) {
        if (!a.mode().equals(b.mode()) || !a.unit().equals(b.unit())) {
            throw new IllegalArgumentException(key + ": measured as " + a.mode() + " " + a.unit() + " in one input and " + b.mode() + " "
                    + b.unit() + " in the other; rerun both the same way");
        }
        double[] va = a.values(), vb = b.values();
        double ma = median(va), mb = median(vb);
        double ratio = mb / ma;
        boolean forkLevel = a.forks().size() >= FORK_LEVEL && b.forks().size() >= FORK_LEVEL;
        double[] ci = bootstrapRatio(a.forks(), b.forks(), forkLevel, s);
        double[] ta = forkLevel ? a.forkMedians() : va, tb = forkLevel ? b.forkMedians() : vb;
        double p = ta.length < 2 || tb.length < 2 ? 1.0 : new MannWhitneyUTest().mannWhitneyUTest(ta, tb);
        String unsteady = unsteadiness(a, b, forkLevel);
        Verdict v = verdict(p, ratio, a.mode(), key, s); // an unknown mode is an error even on an unreliable row
        if (!unsteady.isEmpty()) v = Verdict.UNRELIABLE;
        return new Row(key, a.mode(), a.unit(), va.length, vb.length, a.forks().size(), b.forks().size(), ma, mb, ratio, ci[0], ci[1], p, p, v,
                unsteady);
    }

    /** Significant (p < alpha) and at least the minimum effect: faster or slower by the mode's direction; else no change. */
    static Verdict verdict(double p, double ratio, String mode, String key, Settings s) {
        boolean higherBetter = higherIsBetter(mode, key);
        if (!(p < s.alpha()) || Math.abs(ratio - 1) < s.minEffect()) return Verdict.NO_CHANGE;
        return (higherBetter ? ratio > 1 : ratio < 1) ? Verdict.FASTER : Verdict.SLOWER;
    }

    /**
     * Why a comparison of two sides is unreliable, or "": a fork of either side whose iterations still
     * trend (the medians are then biased by the warm-up, not by the code), or forks that disagree beyond
     * their own spread when there are too few forks for the fork-level test, which would otherwise take
     * that spread into account.
     */
    static String unsteadiness(Samples a, Samples b, boolean forkLevel) {
        List<String> why = new ArrayList<>();
        for (var side : List.of(Map.entry("base", a), Map.entry("candidate", b))) {
            for (String reason : SteadyState.judge(side.getValue().forks()).reasons()) {
                if (forkLevel && reason.startsWith("forks disagree")) continue;
                why.add(side.getKey() + " " + reason);
            }
        }
        return String.join("; ", why);
    }

    static double median(double[] x) {
        return new Percentile(50).evaluate(x);
    }

    /**
     * 95% percentile interval of median(B*) / median(A*). Fork level: forks drawn with replacement, then
     * iterations within each drawn fork; otherwise iterations of all forks pooled and drawn.
     */
    static double[] bootstrapRatio(List<double[]> a, List<double[]> b, boolean forkLevel, Settings s) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        double[] pa = a.stream().flatMapToDouble(Arrays::stream).toArray(), pb = b.stream().flatMapToDouble(Arrays::stream).toArray();
        double[] ratios = new double[s.resamples()];
        for (int k = 0; k < ratios.length; k++) {
            double[] ra = forkLevel ? resampleForks(a, pa.length, rng) : resample(pa, rng);
            double[] rb = forkLevel ? resampleForks(b, pb.length, rng) : resample(pb, rng);
            ratios[k] = median(rb) / median(ra);
        }
        Percentile pct = new Percentile();
        return new double[] {pct.evaluate(ratios, 2.5), pct.evaluate(ratios, 97.5)};
    }

    private static double[] resample(double[] x, SplittableRandom rng) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[rng.nextInt(x.length)];
        return r;
    }

    private static double[] resampleForks(List<double[]> forks, int total, SplittableRandom rng) {
        double[] r = new double[total];
        int n = 0;
        while (n < total) {
            double[] fork = forks.get(rng.nextInt(forks.size()));
            for (int i = 0; i < fork.length && n < total; i++) r[n++] = fork[rng.nextInt(fork.length)];
        }
        return r;
    }

    // ------------------------------------------------------------------ output

    public static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-90s %12s %12s %8s %19s %8s %8s  %s%n", "benchmark", "base", "candidate", "ratio", "95% CI", "p",
                "p adj", "verdict"));
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%-90s %12s %12s %8.3f [%8.3f, %8.3f] %8.3g %8.3g  %s%n", abbreviate(x.key(), 90),
                    Markdown.number(x.medianBase()), Markdown.number(x.medianCandidate()), x.ratio(), x.ciLow(), x.ciHigh(), x.p(),
                    x.pAdjusted(), label(x.verdict())));
        }
        sb.append(String.format(Locale.ROOT, "geomean ratio %.3f over %d benchmarks%n", r.geomeanRatio(), r.rows().size()));
        sb.append(adjustmentNote(r, r.alpha()));
        r.rows().stream().filter(x -> x.verdict() == Verdict.UNRELIABLE)
                .forEach(x -> sb.append("unreliable: ").append(x.key()).append(" (").append(x.unsteady()).append(")\n"));
        long few = r.rows().stream().filter(x -> !x.forkLevel()).count();
        if (few > 0) {
            sb.append(String.format(Locale.ROOT, "note: %d of %d rows have fewer than %d forks per side; their p-values treat iterations "
                    + "as independent, which is optimistic (run with more forks or rounds)%n", few, r.rows().size(), FORK_LEVEL));
        }
        r.onlyBase().forEach(k -> sb.append("only in base: ").append(k).append('\n'));
        r.onlyCandidate().forEach(k -> sb.append("only in candidate: ").append(k).append('\n'));
        return sb.toString();
    }

    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder("| benchmark | mode | base | candidate | ratio | 95% CI | p | p adj | verdict |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |\n");
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %.3f | [%.3f, %.3f] | %.3g | %.3g | %s |%n", x.key().replace("|", "\\|"),
                    x.mode(), Markdown.number(x.medianBase()), x.unit(), Markdown.number(x.medianCandidate()), x.ratio(), x.ciLow(), x.ciHigh(),
                    x.p(), x.pAdjusted(), label(x.verdict())));
        }
        sb.append(String.format(Locale.ROOT, "| **geomean** | | | | **%.3f** | | | | |%n", r.geomeanRatio()));
        sb.append('\n').append(adjustmentNote(r, r.alpha()));
        if (!r.onlyBase().isEmpty() || !r.onlyCandidate().isEmpty()) {
            sb.append('\n');
            r.onlyBase().forEach(k -> sb.append("- only in base: `").append(k).append("`\n"));
            r.onlyCandidate().forEach(k -> sb.append("- only in candidate: `").append(k).append("`\n"));
        }
        return sb.toString();
    }

    public static String csv(Result r) {
        StringBuilder sb = new StringBuilder("benchmark,mode,unit,n_base,n_candidate,forks_base,forks_candidate,median_base,median_candidate,"
                + "ratio,ci_low,ci_high,p,p_adjusted,verdict,unsteady\n");
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "\"%s\",%s,%s,%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"%n", x.key().replace("\"", "\"\""), x.mode(),
                    x.unit(), x.nBase(), x.nCandidate(), x.forksBase(), x.forksCandidate(), x.medianBase(), x.medianCandidate(), x.ratio(),
                    x.ciLow(), x.ciHigh(), x.p(), x.pAdjusted(), x.verdict(), x.unsteady().replace("\"", "\"\"")));
        }
        r.onlyBase().forEach(k -> sb.append('"').append(k.replace("\"", "\"\"")).append("\",,,,,,,,,,,,,,ONLY_IN_BASE,\n"));
        r.onlyCandidate().forEach(k -> sb.append('"').append(k.replace("\"", "\"\"")).append("\",,,,,,,,,,,,,,ONLY_IN_CANDIDATE,\n"));
        return sb.toString();
    }

    /**
     * Which p-value decided the verdicts (a reader of one table must know whether it was adjusted), and
     * where the adjustment cannot call a lone changed row at all: a rank test on n forks per side has a
     * smallest p, and Benjamini-Hochberg over m rows calls a single row only at p <= alpha / m.
     */
    static String adjustmentNote(Result r, double alpha) {
        if (!r.falseDiscoveryControl()) return "verdicts on raw p, one test per row (no false-discovery control)\n";
        int m = r.rows().size();
        String note = "verdicts on Benjamini-Hochberg adjusted p (false discovery rate over the " + m + " rows; --no-fdr: raw p)\n";
        double worst = r.rows().stream().mapToDouble(Compare::smallestReachableP).max().orElse(0);
        if (worst * m > alpha) {
            note += String.format(Locale.ROOT, "note: the smallest p a row can reach with these samples is %.3g; over %d rows a single changed row "
                    + "is called only at p <= %.3g, so only changes shared by many rows can show: run more forks (--rounds) or use --no-fdr%n",
                    worst, m, alpha / m);
        }
        return note;
    }

    /** The rank test's p for fully separated samples of this row's sizes: no data can give a smaller one. */
    static double smallestReachableP(Row x) {
        int na = x.forkLevel() ? x.forksBase() : x.nBase(), nb = x.forkLevel() ? x.forksCandidate() : x.nCandidate();
        if (na < 2 || nb < 2) return 1;
        double[] low = new double[na], high = new double[nb];
        for (int i = 0; i < na; i++) low[i] = i;
        for (int i = 0; i < nb; i++) high[i] = na + i;
        return new MannWhitneyUTest().mannWhitneyUTest(low, high);
    }

    static String label(Verdict v) {
        return switch (v) {
            case FASTER -> "faster";
            case SLOWER -> "SLOWER";
            case NO_CHANGE -> "~";
            case UNRELIABLE -> "unreliable";
        };
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    private static com.fasterxml.jackson.databind.JsonNode environmentOf(Path f) throws IOException {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new JmhResults.BadInputException(f, "not valid JSON (truncated or corrupt?): " + org.clipbench.io.StrictJson.problem(e));
        }
    }

    /** Environment facts that make absolute times incomparable: CPU model, cores, JVM version. */
    public static Map<String, String[]> environmentDifferences(Path baseDir, Path candidateDir) throws IOException {
        Map<String, String[]> diff = new LinkedHashMap<>();
        Path ea = baseDir.resolve("environment.json"), eb = candidateDir.resolve("environment.json");
        if (!ea.toFile().isFile() || !eb.toFile().isFile()) return diff;
        var a = environmentOf(ea);
        var b = environmentOf(eb);
        for (String[] path : new String[][] {{"cpu", "model"}, {"cpu", "cores_available"}, {"jvm", "version"}, {"benchmark_jvm_version"}}) {
            String va = a.at("/" + String.join("/", path)).asText(""), vb = b.at("/" + String.join("/", path)).asText("");
            if (!va.equals(vb)) diff.put(String.join(".", path), new String[] {va, vb});
        }
        return diff;
    }
}
