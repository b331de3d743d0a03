package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Bu et al. 2023, automatic clipping, both claims: (1) AUTO-S is not worse than the best tuned fixed bound at equal
 * epsilon, by the non-inferiority test of {@link MatchesBestFixedCheck} (a demonstration when the fixed bound clipped
 * every example at AUTO-S's lr x C: the two rules are then the same step up to gamma); (2) for small bounds only
 * lr x C matters: over the `diagonalSweep` (fixed bounds x learning rates at equal epsilon), runs whose lr x C equals
 * `product` reach the same accuracy, per seed, between the smallest and the largest bound on that diagonal (TOST within
 * `diagonalMargin`, level alpha). (2) is always a demonstration: where every example is clipped, the regime the claim
 * is about (its gate: the runs clipped at least `diagonalShare` of the examples they saw, clip_share; version 2 gated on
 * clip_fraction, a step in which any example was clipped, which every DP step meets), a step is lr x C (mean unit
 * gradient + sigma noise), fixed by lr x C by algebra. So the verdict rests on (1); when (1) is a demonstration too, it
 * is inconclusive.
 */
final class AutomaticClippingCheck implements Check {
    private final MatchesBestFixedCheck matches;
    private final String diagonalSweep;
    private final double product, diagonalMargin, diagonalShare, alpha;

    AutomaticClippingCheck(Checks.Params p) {
        matches = new MatchesBestFixedCheck(p, "dp-auto-s:C=1,epsilon=2");
        diagonalSweep = p.text("diagonalSweep", "lr-times-c");
        product = p.number("product", 0.15);
        diagonalMargin = p.number("diagonalMargin", 0.02);
        diagonalShare = p.number("diagonalShare", 0.99);
        alpha = p.number("alpha", 0.05);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = MatchesBestFixedCheck.rows();
        Findings f = new Findings();
        String gate = matches.judgeInto(results, rows, f);
        if (gate != null) return Gates.firstFailure(String.join("; ", f.established()), rows.table(), gate);
        Findings diagonal = new Findings();
        String diagonalGate = judgeDiagonal(results, rows, diagonal);
        if (diagonalGate != null) diagonal.doubts().add("not shown: " + diagonalGate);
        f.demonstration(diagonal, "where every example is clipped a step is lr x C times (the mean unit gradient + sigma noise), so lr x C fixes it by algebra");
        return f.verdict(rows.table());
    }

    /** The arms (strategy, lr) on the diagonal lr x C = product, by increasing C. */
    private List<Table> diagonal(SweepResults s) {
        List<Table> out = new ArrayList<>();
        for (String arm : s.runs().stringColumn("strategy").unique().asList().stream().sorted(java.util.Comparator.comparingDouble(DpNoiseCheck::bound)).toList()) {
            for (double lr : Evidence.lrs(s)) {
                if (Math.abs(lr * DpNoiseCheck.bound(arm) / product - 1) < 1e-6) out.add(Evidence.runs(s, arm, lr));
            }
        }
        return out;
    }

    private String judgeDiagonal(Map<String, SweepResults> results, Evidence.Rows rows, Findings f) {
        SweepResults s = results.get(diagonalSweep);
        if (s == null) return "no '" + diagonalSweep + "' sweep";
        List<Table> arms = diagonal(s);
        if (arms.size() < 2) return "fewer than two arms of " + diagonalSweep + " have lr x C = " + Evidence.num(product);
        for (Table r : arms) {
            String name = r.stringColumn("strategy").get(0) + " at lr " + Evidence.num(r.numberColumn("lr").getDouble(0));
            double[] acc = Evidence.accuracy(r, 0.1);
            rows.add(diagonalSweep, name, r.numberColumn("lr").getDouble(0), Double.NaN, r.rowCount(), Evidence.mean(acc),
                    Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)), Gates.clipFraction(r), Gates.clipShare(r));
            if (!(Gates.clipShare(r) >= diagonalShare)) {
                return name + " clipped " + Evidence.pct(Gates.clipShare(r)) + " of the examples it saw, below " + Evidence.pct(diagonalShare)
                        + ": not the regime where every example is clipped";
            }
        }
        Table smallest = arms.get(0), largest = arms.get(arms.size() - 1);
        double[][] pair = Evidence.paired(Evidence.bySeed(smallest, Evidence.accuracy(smallest, 0.1)), Evidence.bySeed(largest, Evidence.accuracy(largest, 0.1)));
        if (pair[0].length < 5) {
            f.doubts().add("fewer than 5 seeds on both ends of the diagonal");
            return null;
        }
        double[] d = new double[pair[0].length];
        for (int i = 0; i < d.length; i++) d[i] = pair[0][i] - pair[1][i];
        f.equivalence("along lr x C = " + Evidence.num(product) + ", accuracy at C = " + Evidence.num(DpNoiseCheck.bound(smallest.stringColumn("strategy").get(0)))
                + " less at C = " + Evidence.num(DpNoiseCheck.bound(largest.stringColumn("strategy").get(0))) + " (per seed)", d, diagonalMargin, alpha, true, "");
        return null;
    }

    /** The non-inferiority figure, and mean accuracy over log lr x log C with the diagonals of equal lr x C. */
    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<Figure> out = new ArrayList<>(matches.figures(results, id));
        SweepResults s = results.get(diagonalSweep);
        if (s == null) return out;
        List<String> bounds = s.runs().stringColumn("strategy").unique().asList().stream().sorted(java.util.Comparator.comparingDouble(DpNoiseCheck::bound)).toList();
        List<Double> lrs = Evidence.lrs(s);
        double[][] z = new double[bounds.size()][lrs.size()];
        for (int i = 0; i < bounds.size(); i++) {
            for (int j = 0; j < lrs.size(); j++) z[i][j] = Evidence.mean(Evidence.accuracy(Evidence.runs(s, bounds.get(i), lrs.get(j)), 0.1));
        }
        out.add(Figure.heatmap(id + "-lr-by-c", lrs.stream().map(Evidence::num).toList(), bounds.stream().map(b -> "C = " + Evidence.num(DpNoiseCheck.bound(b))).toList(), z)
                .title("Mean accuracy over learning rate and clip bound (equal epsilon): equal along lr x C").axes("learning rate", "clip bound")
                .caption("Cells on one anti-diagonal share lr x C; in the small-C regime (every example clipped) they train alike."));
        return out;
    }
}
