package org.clipbench.compare;

import org.clipbench.analysis.JmhResults;
import org.clipbench.io.Markdown;
import org.clipbench.measurement.SteadyState;
import java.io.IOException;
import java.nio.file.Files;
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
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import tech.tablesaw.api.Table;

/**
 * Compares two sets of JMH results benchmark by benchmark, the way benchstat does, on the raw iteration
 * scores JMH records: medians, their ratio with a bootstrap confidence interval, a rank test's p-value
 * (Commons Math), and a verdict that needs both significance and a minimum effect. Whether higher is better
 * comes from each result's JMH mode (thrpt: higher; avgt, sample, ss: lower), never assumed.
 *
 * <p>The samples are forks, not iterations, wherever there are enough: iterations of one fork share its JIT and
 * memory layout. Three designs, best first:
 * <ul>
 * <li><b>paired</b> (an A/B folder, {@link #compareAb}): fork j of the base's round k ran beside or right next to
 * fork j of the candidate's round k, so machine noise hits both. The statistic is the log ratio of each pair's fork
 * medians: its median (the ratio), a bootstrap interval over pairs then iterations, Wilcoxon's signed-rank test.</li>
 * <li><b>forks</b> ({@link #FORK_LEVEL} or more a side, unpaired): Mann-Whitney on fork medians, the bootstrap
 * resamples forks then iterations.</li>
 * <li><b>iterations</b> (fewer forks): pooled iterations, which is optimistic; the output says so.</li>
 * </ul>
 *
 * <p>A verdict is one of: FASTER or SLOWER (significant and at least the minimum effect, or every fork of one side
 * beyond every fork of the other by more than the minimum effect, whatever the spread: {@link #dominance});
 * NO_CHANGE (not significant, and the interval excludes a slowdown of the minimum effect); UNRELIABLE otherwise
 * (a side still warming up, or an interval too wide to exclude a slowdown): the comparison is then
 * {@linkplain Result#inconclusive() inconclusive}, never a pass (issue 34: the noisier a runner, the more
 * regressions passed while an unreliable row was "no test").
 *
 * <p>A grid of many rows tested at alpha each calls alpha of its unchanged rows changed by chance, so by
 * default the verdicts use Benjamini-Hochberg adjusted p-values over the rows of one comparison (the
 * false discovery rate held at alpha); {@link Settings#falseDiscoveryControl} off uses the raw p.
 */
public final class Compare {
    private Compare() {
    }

    /** UNRELIABLE: the data cannot tell (a side not at steady state, or an interval too wide); neither faster nor slower. */
    public enum Verdict { FASTER, SLOWER, NO_CHANGE, UNRELIABLE }

    /** Forks per side from which unpaired statistics treat forks, not iterations, as the samples. */
    public static final int FORK_LEVEL = 5;
    /** Forks per side from which complete separation of the fork medians decides alone ({@link #dominance}). */
    public static final int DOMINANCE_FORKS = 3;

    /** One side of a row: its iterations, forks and median iteration. */
    public record Side(int iterations, int forks, double median) {
    }

    /** The ratio candidate / base, its 95% interval, the test's p (raw and adjusted) and the design that gave them. */
    public record Estimate(double ratio, double ciLow, double ciHigh, double p, double pAdjusted, String design) {
        Estimate adjusted(double q) {
            return new Estimate(ratio, ciLow, ciHigh, p, q, design);
        }
    }

    /** One benchmark and parameter combination present on both sides, its verdict and why (empty when it needs no reason). */
    public record Row(String key, String mode, String unit, Side base, Side candidate, Estimate estimate, Verdict verdict, String why) {
        public double ratio() {
            return estimate.ratio();
        }

        public double ciLow() {
            return estimate.ciLow();
        }

        public double ciHigh() {
            return estimate.ciHigh();
        }

        public double p() {
            return estimate.p();
        }

        public double pAdjusted() {
            return estimate.pAdjusted();
        }

        /** Whether forks (paired or not), not iterations, were the samples. */
        public boolean forkLevel() {
            return !estimate.design().equals(ITERATIONS);
        }

        public boolean paired() {
            return estimate.design().startsWith(PAIRED);
        }
    }

    static final String PAIRED = "paired", FORKS = "forks", ITERATIONS = "iterations";

    /** The comparison: rows on both sides, keys on one side only, and the geometric mean of the ratios. */
    public record Result(List<Row> rows, List<String> onlyBase, List<String> onlyCandidate, double geomeanRatio, boolean falseDiscoveryControl,
                         double alpha) {
        public boolean regressed() {
            return rows.stream().anyMatch(r -> r.verdict() == Verdict.SLOWER);
        }

        /** No regression found, but some row could not be judged: not a pass. */
        public boolean inconclusive() {
            return !regressed() && rows.stream().anyMatch(r -> r.verdict() == Verdict.UNRELIABLE);
        }
    }

    /**
     * Settings: minimum relative effect (e.g. 0.05), significance level (with false-discovery control:
     * the false discovery rate q), bootstrap resamples, seed, parameters left out of the benchmark key
     * (to compare across them, e.g. a variant parameter), and whether Benjamini-Hochberg adjusts the p-values.
     */
    public record Settings(double minEffect, double alpha, int resamples, long seed, List<String> ignoredParams, boolean falseDiscoveryControl) {
        public Settings {
            if (!(minEffect >= 0) || Double.isInfinite(minEffect)) throw new IllegalArgumentException("--min-effect must be a finite number >= 0, e.g. 0.05");
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("--alpha must lie in (0, 1), e.g. 0.05");
            if (resamples < 100) throw new IllegalArgumentException("bootstrap needs at least 100 resamples");
            ignoredParams = ignoredParams == null ? List.of() : List.copyOf(ignoredParams);
        }

        public static Settings defaults() {
            return new Settings(0.05, 0.05, 2000, 1, List.of(), true);
        }

        public Settings withoutFalseDiscoveryControl() {
            return new Settings(minEffect, alpha, resamples, seed, ignoredParams, false);
        }

        public Settings ignoring(List<String> more) {
            List<String> all = new ArrayList<>(ignoredParams);
            more.stream().filter(p -> !all.contains(p)).forEach(all::add);
            return new Settings(minEffect, alpha, resamples, seed, all, falseDiscoveryControl);
        }
    }

    public static Result compare(List<Path> base, List<Path> candidate, Settings s) throws IOException {
        return compare(JmhResults.load(base), JmhResults.load(candidate), s);
    }

    /** Unpaired: the forks of each side pooled. */
    public static Result compare(Table base, Table candidate, Settings s) {
        Map<String, Samples> a = samples(base, s.ignoredParams(), "base"), b = samples(candidate, s.ignoredParams(), "candidate");
        return judge(a, b, a.keySet().stream().filter(k -> !b.containsKey(k)).toList(), b.keySet().stream().filter(k -> !a.containsKey(k)).toList(), s);
    }

    /**
     * Paired: an A/B folder's rounds (base-k/ and candidate-k/, k = 1, 2, ...), fork j of base-k against fork j of
     * candidate-k, for every key both sides of a round hold. Rounds missing on one side are left out.
     */
    public static Result compareAb(Path abFolder, Settings s) throws IOException {
        List<Integer> rounds = rounds(abFolder);
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException(abFolder + ": no base-k/ and candidate-k/ rounds; not an A/B folder of ab or run-bench.sh --compare-to");
        }
        List<Path> base = new ArrayList<>(), candidate = new ArrayList<>();
        for (int k : rounds) {
            base.add(abFolder.resolve("base-" + k));
            candidate.add(abFolder.resolve("candidate-" + k));
        }
        return comparePairs(base, candidate, s.ignoring(ignoredParams(abFolder)));
    }

    /** The parameters an A/B's candidate alone set (ab --candidate-jmh "-p NAME=..."), from its ab.json: left out of the match. */
    static List<String> ignoredParams(Path abFolder) throws IOException {
        Path f = abFolder.resolve("ab.json");
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) return out;
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile()).path("ignored_params").forEach(p -> out.add(p.asText()));
        } catch (com.fasterxml.jackson.core.JacksonException bad) {
            throw new IllegalArgumentException(f + ": not valid JSON (truncated?); rerun the A/B or leave this folder out");
        }
        return out;
    }

    /**
     * Paired rounds: base.get(k) against candidate.get(k) (results folders or JMH JSON files), fork j of one against fork j
     * of the other, for every key both hold. A round that has not run yet on a side (no results) is left out.
     */
    public static Result comparePairs(List<Path> baseRounds, List<Path> candidateRounds, Settings s) throws IOException {
        Map<String, Samples> a = new TreeMap<>(), b = new TreeMap<>();
        java.util.Set<String> seenA = new java.util.TreeSet<>(), seenB = new java.util.TreeSet<>();
        for (int k = 0; k < Math.min(baseRounds.size(), candidateRounds.size()); k++) {
            Map<String, Samples> rb = roundSamples(baseRounds.get(k), s, "base");
            Map<String, Samples> rc = roundSamples(candidateRounds.get(k), s, "candidate");
            seenA.addAll(rb.keySet());
            seenB.addAll(rc.keySet());
            for (var e : rb.entrySet()) {
                Samples c = rc.get(e.getKey());
                if (c == null) continue;
                int n = Math.min(c.forks().size(), e.getValue().forks().size()); // fork j of the round pairs with fork j
                a.computeIfAbsent(e.getKey(), x -> new Samples(e.getValue().mode(), e.getValue().unit(), new ArrayList<>(), true)).forks()
                        .addAll(e.getValue().forks().subList(0, n));
                b.computeIfAbsent(e.getKey(), x -> new Samples(c.mode(), c.unit(), new ArrayList<>(), true)).forks().addAll(c.forks().subList(0, n));
            }
        }
        List<String> onlyA = seenA.stream().filter(x -> !seenB.contains(x)).toList(), onlyB = seenB.stream().filter(x -> !seenA.contains(x)).toList();
        return judge(a, b, onlyA, onlyB, s);
    }

    /** One round's side (results.json, or jmh/*.json while the A/B is still running); empty when it holds none yet. */
    private static Map<String, Samples> roundSamples(Path side, Settings s, String label) throws IOException {
        boolean any = Files.isRegularFile(side) || Files.isRegularFile(side.resolve("results.json")) || Files.isDirectory(side.resolve("jmh"));
        if (!any) return new TreeMap<>();
        try {
            return samples(JmhResults.load(List.of(side)), s.ignoredParams(), label);
        } catch (JmhResults.BadInputException e) {
            if (e.getMessage().contains("holds neither")) return new TreeMap<>(); // a round that has not run yet
            throw e;
        }
    }

    /** The round numbers k with both base-k/ and candidate-k/ in an A/B folder, ascending. */
    public static List<Integer> rounds(Path abFolder) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(abFolder)) return out;
        try (var s = Files.list(abFolder)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("base-[1-9][0-9]{0,5}") && Files.isDirectory(abFolder.resolve("candidate-" + n.substring(5)))) {
                    out.add(Integer.parseInt(n.substring(5)));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Judges the keys both sides have. A comparison that could pass on nothing is bad input: a side without
     * results, or no benchmark in common.
     */
    static Result judge(Map<String, Samples> a, Map<String, Samples> b, List<String> onlyA, List<String> onlyB, Settings s) {
        if ((a.isEmpty() && onlyA.isEmpty()) || (b.isEmpty() && onlyB.isEmpty())) {
            throw new IllegalArgumentException("nothing to compare: the " + (a.isEmpty() && onlyA.isEmpty() ? "base" : "candidate")
                    + " holds no benchmark results; point it at a results folder or JMH JSON file with results");
        }
        List<Row> rows = new ArrayList<>();
        for (var e : a.entrySet()) {
            Samples sb = b.get(e.getKey());
            if (sb != null) rows.add(row(e.getKey(), e.getValue(), sb, s));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to compare: no benchmark with the same parameters is in both inputs (base has "
                    + onlyA.size() + ", e.g. '" + (onlyA.isEmpty() ? "" : onlyA.get(0)) + "'; candidate has " + onlyB.size() + ", e.g. '"
                    + (onlyB.isEmpty() ? "" : onlyB.get(0)) + "'); compare runs of the same grid, or leave a differing parameter out with --ignore-params");
        }
        if (s.falseDiscoveryControl()) rows = adjusted(rows, s);
        double logSum = 0;
        int n = 0;
        for (Row r : rows) {
            if (r.ratio() > 0 && Double.isFinite(r.ratio())) {
                logSum += Math.log(r.ratio());
                n++;
            }
        }
        return new Result(rows, onlyA, onlyB, n == 0 ? Double.NaN : Math.exp(logSum / n), s.falseDiscoveryControl(), s.alpha());
    }

    /**
     * The rows judged on Benjamini-Hochberg adjusted p-values, over the rows a test decides (a row not at steady state,
     * or decided by complete separation, is outside the family): p_(i) m / i, made monotone from the largest p down.
     */
    static List<Row> adjusted(List<Row> rows, Settings s) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) if (byTest(rows.get(i))) tested.add(i);
        double[] p = tested.stream().mapToDouble(i -> rows.get(i).p()).toArray();
        double[] q = benjaminiHochberg(p);
        List<Row> out = new ArrayList<>(rows);
        for (int k = 0; k < tested.size(); k++) {
            Row r = rows.get(tested.get(k));
            Estimate e = r.estimate().adjusted(q[k]);
            out.set(tested.get(k), testVerdict(r.key(), r.mode(), r.unit(), r.base(), r.candidate(), e, s));
        }
        return out;
    }

    /** Whether a row's verdict came from its test (not from unsteadiness or complete separation). */
    private static boolean byTest(Row r) {
        return !r.why().startsWith(UNSTEADY) && !r.why().startsWith(DOMINANCE);
    }

    static final String UNSTEADY = "not at steady state: ", DOMINANCE = "every ";

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

    /** One side of one key: its forks' iterations; paired when fork j pairs with fork j of the other side. */
    record Samples(String mode, String unit, List<double[]> forks, boolean paired) {
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
            out.put(k, new Samples(t.stringColumn("mode").get(r), t.stringColumn("unit").get(r), forks, false));
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
        higherIsBetter(a.mode(), key); // an unknown mode is an error whatever the data
        double[] va = a.values(), vb = b.values();
        Side sa = new Side(va.length, a.forks().size(), median(va)), sb = new Side(vb.length, b.forks().size(), median(vb));
        boolean paired = a.paired() && b.paired() && a.forks().size() == b.forks().size() && a.forks().size() >= 2;
        String design = paired ? PAIRED : a.forks().size() >= FORK_LEVEL && b.forks().size() >= FORK_LEVEL ? FORKS : ITERATIONS;
        Estimate e = paired ? pairedEstimate(a.forks(), b.forks(), s) : unpairedEstimate(a, b, design.equals(FORKS), s);
        int separated = dominance(a, b, s);
        if (separated != 0) {
            boolean slower = (separated > 0) != higherIsBetter(a.mode(), key);
            String why = String.format(Locale.ROOT, "%scandidate fork %s than every base fork by more than %.0f%% (%d and %d forks)", DOMINANCE,
                    slower ? "slower" : "faster", 100 * s.minEffect(), b.forks().size(), a.forks().size());
            return new Row(key, a.mode(), a.unit(), sa, sb, e, slower ? Verdict.SLOWER : Verdict.FASTER, why);
        }
        String unsteady = paired ? "" : unsteadiness(a, b, !design.equals(ITERATIONS));
        if (!unsteady.isEmpty()) return new Row(key, a.mode(), a.unit(), sa, sb, e, Verdict.UNRELIABLE, UNSTEADY + unsteady);
        return testVerdict(key, a.mode(), a.unit(), sa, sb, e, s);
    }

    /**
     * Complete separation, whatever the spread (issue 34): with at least {@link #DOMINANCE_FORKS} forks a side, +1 when
     * every candidate fork's median score is above every base fork's by more than the minimum effect, -1 when below,
     * else 0. An unchanged benchmark separates so, in a given direction, with probability 1/C(n+m, n) at most (1/20 for
     * 3 forks a side), less with the margin.
     */
    static int dominance(Samples a, Samples b, Settings s) {
        if (a.forks().size() < DOMINANCE_FORKS || b.forks().size() < DOMINANCE_FORKS) return 0;
        double[] ma = a.forkMedians(), mb = b.forkMedians();
        double margin = 1 + s.minEffect();
        if (Arrays.stream(mb).min().orElseThrow() > Arrays.stream(ma).max().orElseThrow() * margin) return 1;
        if (Arrays.stream(mb).max().orElseThrow() * margin < Arrays.stream(ma).min().orElseThrow()) return -1;
        return 0;
    }

    /**
     * The verdict of a test: significant (p, adjusted or raw, below alpha) and at least the minimum effect: faster or
     * slower by the mode's direction; else no change when the interval excludes a slowdown of the minimum effect; else
     * unreliable, with the interval that could not exclude it.
     */
    static Row testVerdict(String key, String mode, String unit, Side a, Side b, Estimate e, Settings s) {
        boolean higherBetter = higherIsBetter(mode, key);
        if (e.pAdjusted() < s.alpha() && Math.abs(e.ratio() - 1) >= s.minEffect()) {
            Verdict v = (higherBetter ? e.ratio() > 1 : e.ratio() < 1) ? Verdict.FASTER : Verdict.SLOWER;
            return new Row(key, mode, unit, a, b, e, v, "");
        }
        double worstSlowdown = higherBetter ? 1 / e.ciLow() : e.ciHigh();
        if (!(worstSlowdown <= 1 + s.minEffect())) {
            return new Row(key, mode, unit, a, b, e, Verdict.UNRELIABLE, String.format(Locale.ROOT,
                    "its 95%% interval [%.3f, %.3f] cannot exclude a slowdown of %.0f%%: measure more forks", e.ciLow(), e.ciHigh(), 100 * s.minEffect()));
        }
        return new Row(key, mode, unit, a, b, e, Verdict.NO_CHANGE, "");
    }

    /** Paired forks: the median log ratio of pair medians, its bootstrap interval, Wilcoxon's signed-rank p. */
    static Estimate pairedEstimate(List<double[]> a, List<double[]> b, Settings s) {
        int n = a.size();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = Math.log(median(b.get(i)) / median(a.get(i)));
        double ratio = Math.exp(median(d));
        SplittableRandom rng = new SplittableRandom(s.seed());
        double[] ratios = new double[s.resamples()];
        double[] dk = new double[n];
        for (int k = 0; k < ratios.length; k++) {
            for (int i = 0; i < n; i++) {
                int j = rng.nextInt(n); // a pair, then iterations within each of its forks
                dk[i] = Math.log(median(resample(b.get(j), rng)) / median(resample(a.get(j), rng)));
            }
            ratios[k] = Math.exp(median(dk));
        }
        Percentile pct = new Percentile();
        double p = 1.0;
        if (Arrays.stream(d).anyMatch(x -> x != 0)) {
            double[] zero = new double[n];
            // exact for up to 30 pairs, a normal approximation beyond
            p = new WilcoxonSignedRankTest().wilcoxonSignedRankTest(d, zero, n <= 30);
        }
        return new Estimate(ratio, pct.evaluate(ratios, 2.5), pct.evaluate(ratios, 97.5), p, p, PAIRED + " (" + n + " pairs)");
    }

    /** Unpaired: ratio of medians; bootstrap over forks then iterations (or pooled iterations); Mann-Whitney U on fork medians (or iterations). */
    static Estimate unpairedEstimate(Samples a, Samples b, boolean forkLevel, Settings s) {
        double[] va = a.values(), vb = b.values();
        double ratio = median(vb) / median(va);
        double[] ci = bootstrapRatio(a.forks(), b.forks(), forkLevel, s);
        double[] ta = forkLevel ? a.forkMedians() : va, tb = forkLevel ? b.forkMedians() : vb;
        double p = ta.length < 2 || tb.length < 2 ? 1.0 : new MannWhitneyUTest().mannWhitneyUTest(ta, tb);
        return new Estimate(ratio, ci[0], ci[1], p, p, forkLevel ? FORKS : ITERATIONS);
    }

    /**
     * Why an unpaired comparison of two sides is unreliable, or "": a side whose forks still trend (its medians are then
     * biased by the warm-up, not by the code), or forks that disagree beyond their own spread when there are too few
     * forks for a fork-level test, which would otherwise take that spread into account. Pairs are not judged so: the
     * two forks of a pair ran the same warm-up side by side, so a trend they share cancels in the pair's ratio (and a
     * build that warms up differently is a real difference); under load, iterations of 100 ms drift by chance, and
     * judging each fork made almost every loaded A/B inconclusive.
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
                    Markdown.number(x.base().median()), Markdown.number(x.candidate().median()), x.ratio(), x.ciLow(), x.ciHigh(), x.p(),
                    x.pAdjusted(), label(x.verdict())));
        }
        sb.append(String.format(Locale.ROOT, "geomean ratio %.3f over %d benchmarks%n", r.geomeanRatio(), r.rows().size()));
        sb.append(adjustmentNote(r, r.alpha()));
        r.rows().stream().filter(x -> !x.why().isEmpty())
                .forEach(x -> sb.append(label(x.verdict())).append(": ").append(x.key()).append(" (").append(x.why()).append(")\n"));
        long few = r.rows().stream().filter(x -> !x.forkLevel()).count();
        if (few > 0) {
            sb.append(String.format(Locale.ROOT, "note: %d of %d rows have fewer than %d forks per side; their p-values treat iterations "
                    + "as independent, which is optimistic (run with more forks or rounds)%n", few, r.rows().size(), FORK_LEVEL));
        }
        r.onlyBase().forEach(k -> sb.append("only in base: ").append(k).append('\n'));
        r.onlyCandidate().forEach(k -> sb.append("only in candidate: ").append(k).append('\n'));
        sb.append(outcome(r)).append('\n');
        return sb.toString();
    }

    /** The comparison's outcome in one line: what the exit code says. */
    public static String outcome(Result r) {
        long slower = r.rows().stream().filter(x -> x.verdict() == Verdict.SLOWER).count();
        long unreliable = r.rows().stream().filter(x -> x.verdict() == Verdict.UNRELIABLE).count();
        if (slower > 0) return "outcome: REGRESSION (" + slower + " of " + r.rows().size() + " rows slower)";
        if (unreliable > 0) return "outcome: INCONCLUSIVE (" + unreliable + " of " + r.rows().size()
                + " rows could not be judged: measure more forks, or on a quieter machine)";
        return "outcome: no regression (" + r.rows().size() + " rows)";
    }

    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder("| benchmark | mode | base | candidate | ratio | 95% CI | p | p adj | design | verdict |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |\n");
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %.3f | [%.3f, %.3f] | %.3g | %.3g | %s | %s |%n", x.key().replace("|", "\\|"),
                    x.mode(), Markdown.number(x.base().median()), x.unit(), Markdown.number(x.candidate().median()), x.ratio(), x.ciLow(), x.ciHigh(),
                    x.p(), x.pAdjusted(), x.estimate().design(), label(x.verdict())));
        }
        sb.append(String.format(Locale.ROOT, "| **geomean** | | | | **%.3f** | | | | | |%n", r.geomeanRatio()));
        sb.append('\n').append(adjustmentNote(r, r.alpha()));
        r.rows().stream().filter(x -> !x.why().isEmpty())
                .forEach(x -> sb.append("- ").append(label(x.verdict())).append(": `").append(x.key()).append("`: ").append(x.why()).append('\n'));
        if (!r.onlyBase().isEmpty() || !r.onlyCandidate().isEmpty()) {
            sb.append('\n');
            r.onlyBase().forEach(k -> sb.append("- only in base: `").append(k).append("`\n"));
            r.onlyCandidate().forEach(k -> sb.append("- only in candidate: `").append(k).append("`\n"));
        }
        sb.append('\n').append("**").append(outcome(r)).append("**\n");
        return sb.toString();
    }

    public static String csv(Result r) {
        StringBuilder sb = new StringBuilder("benchmark,mode,unit,n_base,n_candidate,forks_base,forks_candidate,median_base,median_candidate,"
                + "ratio,ci_low,ci_high,p,p_adjusted,design,verdict,why\n");
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "\"%s\",%s,%s,%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,\"%s\",%s,\"%s\"%n", x.key().replace("\"", "\"\""),
                    x.mode(), x.unit(), x.base().iterations(), x.candidate().iterations(), x.base().forks(), x.candidate().forks(), x.base().median(),
                    x.candidate().median(), x.ratio(), x.ciLow(), x.ciHigh(), x.p(), x.pAdjusted(), x.estimate().design(), x.verdict(),
                    x.why().replace("\"", "\"\"")));
        }
        r.onlyBase().forEach(k -> sb.append('"').append(k.replace("\"", "\"\"")).append("\",,,,,,,,,,,,,,,ONLY_IN_BASE,\n"));
        r.onlyCandidate().forEach(k -> sb.append('"').append(k.replace("\"", "\"\"")).append("\",,,,,,,,,,,,,,,ONLY_IN_CANDIDATE,\n"));
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

    /** The test's p for fully separated samples of this row's sizes: no data can give a smaller one. */
    static double smallestReachableP(Row x) {
        if (x.paired()) {
            int n = x.base().forks();
            if (n < 2) return 1;
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = i + 1;
            return new WilcoxonSignedRankTest().wilcoxonSignedRankTest(d, new double[n], n <= 30);
        }
        int na = x.forkLevel() ? x.base().forks() : x.base().iterations(), nb = x.forkLevel() ? x.candidate().forks() : x.candidate().iterations();
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
