package org.clipbench.analysis;

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
 * a minimum effect. Whether higher is better comes from each result's JMH mode (thrpt: higher; avgt,
 * sample, ss: lower), never assumed.
 */
public final class Compare {
    private Compare() {
    }

    public enum Verdict { FASTER, SLOWER, NO_CHANGE }

    /** One benchmark and parameter combination present on both sides. */
    public record Row(String key, String mode, String unit, int nBase, int nCandidate, double medianBase, double medianCandidate,
                      double ratio, double ciLow, double ciHigh, double p, Verdict verdict) {
    }

    /** The comparison: rows on both sides, keys on one side only, and the geometric mean of the ratios. */
    public record Result(List<Row> rows, List<String> onlyBase, List<String> onlyCandidate, double geomeanRatio) {
        public boolean regressed() {
            return rows.stream().anyMatch(r -> r.verdict() == Verdict.SLOWER);
        }
    }

    /**
     * Settings: minimum relative effect (e.g. 0.05), significance level, bootstrap resamples, seed, and
     * parameters left out of the benchmark key (to compare across them, e.g. a variant parameter).
     */
    public record Settings(double minEffect, double alpha, int resamples, long seed, List<String> ignoredParams) {
        public Settings {
            if (!(minEffect >= 0)) throw new IllegalArgumentException("--min-effect must be >= 0");
            if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("--alpha must lie in (0, 1)");
            if (resamples < 100) throw new IllegalArgumentException("bootstrap needs at least 100 resamples");
            ignoredParams = ignoredParams == null ? List.of() : List.copyOf(ignoredParams);
        }

        public static Settings defaults() {
            return new Settings(0.05, 0.05, 2000, 1, List.of());
        }
    }

    public static Result compare(List<Path> base, List<Path> candidate, Settings s) throws IOException {
        return compare(JmhResults.load(base), JmhResults.load(candidate), s);
    }

    public static Result compare(Table base, Table candidate, Settings s) {
        Map<String, Samples> a = samples(base, s.ignoredParams()), b = samples(candidate, s.ignoredParams());
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
        return new Result(rows, onlyA, onlyB, n == 0 ? Double.NaN : Math.exp(logSum / n));
    }

    private record Samples(String mode, String unit, double[] values) {
    }

    /** Raw iteration scores per benchmark key (class.method plus every parameter); repeated runs are pooled. */
    private static Map<String, Samples> samples(Table t, List<String> ignored) {
        Map<String, Samples> out = new TreeMap<>();
        List<String> params = new ArrayList<>();
        for (String c : t.columnNames()) {
            if (!List.of("benchmark", "method", "mode", "unit", "score", "error", "samples", "raw", "alloc_b_op", "source").contains(c)
                    && !ignored.contains(c)) {
                params.add(c);
            }
        }
        params.sort(String::compareTo);
        for (int r = 0; r < t.rowCount(); r++) {
            StringBuilder key = new StringBuilder(t.stringColumn("benchmark").get(r)).append('.').append(t.stringColumn("method").get(r));
            for (String p : params) {
                String v = t.stringColumn(p).get(r);
                if (!v.isEmpty()) key.append(' ').append(p).append('=').append(v);
            }
            String raw = t.stringColumn("raw").get(r);
            double[] values = raw.isBlank() ? new double[] {t.doubleColumn("score").get(r)}
                    : Arrays.stream(raw.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
            String k = key.toString();
            Samples prev = out.get(k);
            if (prev != null) {
                double[] merged = Arrays.copyOf(prev.values(), prev.values().length + values.length);
                System.arraycopy(values, 0, merged, prev.values().length, values.length);
                values = merged;
            }
            out.put(k, new Samples(t.stringColumn("mode").get(r), t.stringColumn("unit").get(r), values));
        }
        return out;
    }

    /** Higher is better for throughput; lower for average time, sample time and single shot. */
    static boolean higherIsBetter(String mode, String key) {
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
        double ma = median(a.values()), mb = median(b.values());
        double ratio = mb / ma;
        double[] ci = bootstrapRatio(a.values(), b.values(), s);
        double p = a.values().length < 2 || b.values().length < 2 ? 1.0 : new MannWhitneyUTest().mannWhitneyUTest(a.values(), b.values());
        Verdict v = Verdict.NO_CHANGE;
        if (p < s.alpha() && Math.abs(ratio - 1) >= s.minEffect()) {
            boolean better = higherIsBetter(a.mode(), key) ? ratio > 1 : ratio < 1;
            v = better ? Verdict.FASTER : Verdict.SLOWER;
        } else {
            higherIsBetter(a.mode(), key); // an unknown mode is an error even without a change
        }
        return new Row(key, a.mode(), a.unit(), a.values().length, b.values().length, ma, mb, ratio, ci[0], ci[1], p, v);
    }

    static double median(double[] x) {
        return new Percentile(50).evaluate(x);
    }

    /** 95% percentile interval of median(B*) / median(A*) over resamples with replacement. */
    static double[] bootstrapRatio(double[] a, double[] b, Settings s) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        double[] ratios = new double[s.resamples()];
        double[] ra = new double[a.length], rb = new double[b.length];
        for (int k = 0; k < ratios.length; k++) {
            for (int i = 0; i < a.length; i++) ra[i] = a[rng.nextInt(a.length)];
            for (int i = 0; i < b.length; i++) rb[i] = b[rng.nextInt(b.length)];
            ratios[k] = median(rb) / median(ra);
        }
        Percentile pct = new Percentile();
        return new double[] {pct.evaluate(ratios, 2.5), pct.evaluate(ratios, 97.5)};
    }

    // ------------------------------------------------------------------ output

    public static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-90s %12s %12s %8s %19s %8s  %s%n", "benchmark", "base", "candidate", "ratio", "95% CI", "p", "verdict"));
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "%-90s %12s %12s %8.3f [%8.3f, %8.3f] %8.3g  %s%n", abbreviate(x.key(), 90),
                    Markdown.number(x.medianBase()), Markdown.number(x.medianCandidate()), x.ratio(), x.ciLow(), x.ciHigh(), x.p(),
                    label(x.verdict())));
        }
        sb.append(String.format(Locale.ROOT, "geomean ratio %.3f over %d benchmarks%n", r.geomeanRatio(), r.rows().size()));
        r.onlyBase().forEach(k -> sb.append("only in base: ").append(k).append('\n'));
        r.onlyCandidate().forEach(k -> sb.append("only in candidate: ").append(k).append('\n'));
        return sb.toString();
    }

    public static String markdown(Result r) {
        StringBuilder sb = new StringBuilder("| benchmark | mode | base | candidate | ratio | 95% CI | p | verdict |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | --- | ---: | --- |\n");
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s | %.3f | [%.3f, %.3f] | %.3g | %s |%n", x.key().replace("|", "\\|"),
                    x.mode(), Markdown.number(x.medianBase()), x.unit(), Markdown.number(x.medianCandidate()), x.ratio(), x.ciLow(), x.ciHigh(),
                    x.p(), label(x.verdict())));
        }
        sb.append(String.format(Locale.ROOT, "| **geomean** | | | | **%.3f** | | | |%n", r.geomeanRatio()));
        if (!r.onlyBase().isEmpty() || !r.onlyCandidate().isEmpty()) {
            sb.append('\n');
            r.onlyBase().forEach(k -> sb.append("- only in base: `").append(k).append("`\n"));
            r.onlyCandidate().forEach(k -> sb.append("- only in candidate: `").append(k).append("`\n"));
        }
        return sb.toString();
    }

    public static String csv(Result r) {
        StringBuilder sb = new StringBuilder("benchmark,mode,unit,n_base,n_candidate,median_base,median_candidate,ratio,ci_low,ci_high,p,verdict\n");
        for (Row x : r.rows()) {
            sb.append(String.format(Locale.ROOT, "\"%s\",%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s%n", x.key().replace("\"", "\"\""), x.mode(), x.unit(),
                    x.nBase(), x.nCandidate(), x.medianBase(), x.medianCandidate(), x.ratio(), x.ciLow(), x.ciHigh(), x.p(), x.verdict()));
        }
        r.onlyBase().forEach(k -> sb.append('"').append(k.replace("\"", "\"\"")).append("\",,,,,,,,,,,ONLY_IN_BASE\n"));
        r.onlyCandidate().forEach(k -> sb.append('"').append(k.replace("\"", "\"\"")).append("\",,,,,,,,,,,ONLY_IN_CANDIDATE\n"));
        return sb.toString();
    }

    static String label(Verdict v) {
        return switch (v) {
            case FASTER -> "faster";
            case SLOWER -> "SLOWER";
            case NO_CHANGE -> "~";
        };
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    /** Environment facts that make absolute times incomparable: CPU model, cores, JVM version. */
    public static Map<String, String[]> environmentDifferences(Path baseDir, Path candidateDir) throws IOException {
        Map<String, String[]> diff = new LinkedHashMap<>();
        Path ea = baseDir.resolve("environment.json"), eb = candidateDir.resolve("environment.json");
        if (!ea.toFile().isFile() || !eb.toFile().isFile()) return diff;
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var a = json.readTree(ea.toFile());
        var b = json.readTree(eb.toFile());
        for (String[] path : new String[][] {{"cpu", "model"}, {"cpu", "cores_available"}, {"jvm", "version"}, {"benchmark_jvm_version"}}) {
            String va = a.at("/" + String.join("/", path)).asText(""), vb = b.at("/" + String.join("/", path)).asText("");
            if (!va.equals(vb)) diff.put(String.join(".", path), new String[] {va, vb});
        }
        return diff;
    }
}
