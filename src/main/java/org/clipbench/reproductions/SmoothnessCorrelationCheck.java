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
 * gradient norm at the same steps (the trainer's logSmoothness). The unit is the run: Spearman's rank
 * correlation within each run (a pooled rho mixes runs at different scales), then over runs the median
 * and a one-sided Wilcoxon signed-rank test of the runs' rho against 0. A run of a clipping strategy
 * that never clipped is left out: it is the baseline's run again and would count one trajectory twice.
 * Reproduced when the median rho is at least `minRho` and the test gives p < `alpha`; not reproduced when
 * the bootstrap 95% interval of the median lies at or below 0; inconclusive otherwise. The pooled rho is
 * shown beside it.
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

    static double[] bootstrapOverRuns(List<double[][]> runs) {
        RandomGenerator rng = new Well19937c(20260103L);
        int b = 1000;
        double[] stats = new double[b];
        for (int i = 0; i < b; i++) {
            List<double[][]> sample = new ArrayList<>();
            for (int j = 0; j < runs.size(); j++) sample.add(runs.get(rng.nextInt(runs.size())));
            stats[i] = rho(sample);
        }
        Percentile p = new Percentile();
        return new double[] {p.evaluate(stats, 2.5), p.evaluate(stats, 97.5)};
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = new Evidence.Rows("sweep", "strategy", "#runs", "#left_out", "#points", "#median_within_run_rho", "ci95", "#pooled_rho");
        List<double[][]> all = new ArrayList<>();
        List<Double> rhos = new ArrayList<>();
        for (var e : results.entrySet()) {
            SweepResults s = e.getValue();
            for (String strategy : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
                Table r = Evidence.runs(s, strategy, Double.NaN);
                int before = r.rowCount();
                if (!strategy.equals("none") && r.columnNames().contains("clip_fraction")) {
                    r = r.where(r.numberColumn("clip_fraction").isGreaterThan(0)); // a run that never clipped is the baseline's again
                }
                List<double[][]> runs = new ArrayList<>(pairs(s, r).values());
                runs.removeIf(x -> x[0].length < 3);
                double[] own = runs.stream().mapToDouble(x -> rho(java.util.Collections.singletonList(x))).toArray();
                all.addAll(runs);
                for (double v : own) rhos.add(v);
                rows.add(e.getKey(), strategy, runs.size(), before - r.rowCount(), runs.stream().mapToInt(x -> x[0].length).sum(),
                        Evidence.median(own), own.length < 2 ? "" : Evidence.interval(Evidence.bootstrap(own, Evidence::median)), rho(runs));
            }
        }
        Table t = rows.table();
        if (rhos.size() < 2) return Verdict.inconclusive("fewer than two runs logged the smoothness (logSmoothness off?)", t);
        double[] own = rhos.stream().mapToDouble(Double::doubleValue).toArray();
        double median = Evidence.median(own);
        double[] ci = Evidence.bootstrap(own, Evidence::median);
        double p = StatisticalTests.wilcoxonGreater(own, new double[own.length]);
        rows.add("all", "all", own.length, 0, all.stream().mapToInt(x -> x[0].length).sum(), median, Evidence.interval(ci), rho(all));
        String numbers = "Spearman rho between the gradient norm and the local smoothness within each run: median " + Evidence.num(median)
                + " over " + own.length + " runs, 95% interval " + Evidence.interval(ci) + "; Wilcoxon signed-rank, one-sided, rho > 0: p = "
                + Evidence.num(p) + " (alpha " + Evidence.num(alpha) + "); pooled rho " + Evidence.num(rho(all));
        if (median >= minRho && p < alpha) return Verdict.reproduced(numbers, rows.table());
        if (ci[1] <= 0) return Verdict.notReproduced(numbers + ": no positive correlation", rows.table());
        return Verdict.inconclusive(numbers + ": below " + Evidence.num(minRho) + ", or not significant", rows.table());
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
