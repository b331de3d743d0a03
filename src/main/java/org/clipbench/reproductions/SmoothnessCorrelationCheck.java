package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Zhang et al. 2020 (ICLR), smoothness along training: the local smoothness estimate L-hat and the
 * gradient norm at the same steps (the trainer's logSmoothness). The test the preset states: the 95% bootstrap
 * interval of Spearman's rank correlation pooled over every recorded step of every run lies at or above `minRho`
 * (the interval decides, not the point estimate). The unit of the bootstrap is the seed: runs of one seed share their start and batches (the clipped
 * and the plain run of a seed are not independent), so a seed's runs are resampled together, never one by one.
 * Not reproduced when the interval lies at or below 0, or wholly below `minRho`; inconclusive otherwise. A run of a clipping strategy that
 * never clipped is left out: it is the baseline's run again. The within-run rhos are shown beside, not decisive.
 */
final class SmoothnessCorrelationCheck implements Check {
    private final double minRho, alpha;

    SmoothnessCorrelationCheck(Checks.Params p) {
        minRho = p.number("minRho", 0.5);
        alpha = p.number("alpha", 0.05);
    }

    /** Per run: [gradient norms, smoothness] at the steps where both are finite and positive. */
    static Map<String, double[][]> pairs(SweepResults s, Table runs) {
        Map<String, double[][]> sm = Evidence.curves(s, "smoothness"), gn = Evidence.curves(s, "smoothness_grad_norm");
        Map<String, double[][]> out = new java.util.LinkedHashMap<>();
        for (String run : runs.stringColumn("run_id")) {
            double[][] a = gn.get(run), b = sm.get(run);
            if (a == null || b == null) continue;
            List<double[]> ok = new ArrayList<>();
            for (int i = 0; i < Math.min(a[1].length, b[1].length); i++) {
                if (a[1][i] > 0 && b[1][i] > 0 && Double.isFinite(a[1][i]) && Double.isFinite(b[1][i])) ok.add(new double[] {a[1][i], b[1][i]});
            }
            out.put(run, new double[][] {ok.stream().mapToDouble(v -> v[0]).toArray(), ok.stream().mapToDouble(v -> v[1]).toArray()});
        }
        return out;
    }

    static double rho(List<double[][]> runs) {
        int n = runs.stream().mapToInt(r -> r[0].length).sum();
        double[] x = new double[n], y = new double[n];
        int k = 0;
        for (double[][] r : runs) {
            System.arraycopy(r[0], 0, x, k, r[0].length);
            System.arraycopy(r[1], 0, y, k, r[1].length);
            k += r[0].length;
        }
        return n < 3 ? Double.NaN : new SpearmansCorrelation().correlation(x, y);
    }

    /** Percentile bootstrap 95% interval of the pooled rho, resampling seeds (each with all of its runs). */
    static double[] bootstrapOverSeeds(List<List<double[][]>> seeds) {
        RandomGenerator rng = new Well19937c(20260103L);
        int b = 2000;
        double[] stats = new double[b];
        for (int i = 0; i < b; i++) {
            List<double[][]> sample = new ArrayList<>();
            for (int j = 0; j < seeds.size(); j++) sample.addAll(seeds.get(rng.nextInt(seeds.size())));
            stats[i] = rho(sample);
        }
        Percentile p = new Percentile();
        return new double[] {p.evaluate(stats, 2.5), p.evaluate(stats, 97.5)};
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("sweep", "strategy", "#runs", "#left_out", "#points", "#median_within_run_rho", "#pooled_rho");
        List<double[][]> all = new ArrayList<>();
        Map<Long, List<double[][]>> bySeed = new java.util.TreeMap<>();
        List<Double> within = new ArrayList<>();
        for (var e : results.entrySet()) {
            SweepResults s = e.getValue();
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(s, strategy, Double.NaN);
                int before = r.rowCount();
                if (!strategy.equals("none") && r.columnNames().contains("clip_fraction")) {
                    r = r.where(r.numberColumn("clip_fraction").isGreaterThan(0)); // a run that never clipped is the baseline's again
                }
                Map<String, double[][]> byRun = pairs(s, r);
                List<double[][]> runs = new ArrayList<>();
                for (int i = 0; i < r.rowCount(); i++) {
                    double[][] x = byRun.get(r.stringColumn("run_id").get(i));
                    if (x == null || x[0].length < 3) continue;
                    runs.add(x);
                    bySeed.computeIfAbsent(Math.round(r.numberColumn("seed").getDouble(i)), k -> new ArrayList<>()).add(x);
                }
                double[] own = runs.stream().mapToDouble(x -> rho(java.util.Collections.singletonList(x))).toArray();
                all.addAll(runs);
                for (double v : own) within.add(v);
                rows.add(e.getKey(), strategy, runs.size(), before - r.rowCount(), runs.stream().mapToInt(x -> x[0].length).sum(), Evidence.median(own), rho(runs));
            }
        }
        Table t = rows.table();
        if (bySeed.size() < 2) return Verdict.inconclusive("fewer than two seeds logged the smoothness (logSmoothness off?)", t);
        double pooled = rho(all);
        double[] ci = bootstrapOverSeeds(new ArrayList<>(bySeed.values()));
        double medianWithin = Evidence.median(within.stream().mapToDouble(Double::doubleValue).toArray());
        rows.add("all", "all", all.size(), 0, all.stream().mapToInt(x -> x[0].length).sum(), medianWithin, pooled);
        String numbers = "Spearman rho between the gradient norm and the local smoothness, pooled over " + all.size() + " runs of " + bySeed.size()
                + " seeds: " + Evidence.num(pooled) + ", 95% interval " + Evidence.interval(ci) + " (bootstrap over seeds, a seed's runs together); "
                + "median within-run rho " + Evidence.num(medianWithin) + " (shown, not decisive)";
        if (ci[0] >= minRho) return Verdict.reproduced(numbers + ": the interval lies at or above " + Evidence.num(minRho), rows.table());
        if (ci[1] <= 0) return Verdict.notReproduced(numbers + ": no positive correlation", rows.table());
        if (pooled < minRho && ci[1] < minRho) return Verdict.notReproduced(numbers + ": below " + Evidence.num(minRho) + " with its whole interval", rows.table());
        return Verdict.inconclusive(numbers + ": the interval reaches below " + Evidence.num(minRho), rows.table());
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        Figure f = Figure.scatter(id + "-smoothness-vs-gradient").title("Local smoothness against gradient norm along training")
                .axes("gradient norm ||grad f(x_k)||", "local smoothness L-hat").logX().logY()
                .caption("Every recorded step of every run (Zhang et al. 2020, Fig. 1 in kind); a positive slope means smoothness grows with the gradient.");
        for (var e : results.entrySet()) {
            SweepResults s = e.getValue();
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                List<Double> x = new ArrayList<>(), y = new ArrayList<>();
                for (double[][] r : pairs(s, Evidence.runs(s, strategy, Double.NaN)).values()) {
                    for (int i = 0; i < r[0].length; i++) {
                        x.add(r[0][i]);
                        y.add(r[1][i]);
                    }
                }
                f.add((results.size() > 1 ? e.getKey() + " " : "") + strategy, x.stream().mapToDouble(Double::doubleValue).toArray(),
                        y.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        return List.of(f);
    }
}
