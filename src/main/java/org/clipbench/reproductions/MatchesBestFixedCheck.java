package org.clipbench.reproductions;

import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * "A rule without a threshold to tune comes close to the best tuned threshold" (Andrew et al. 2021's adaptive
 * quantile, Bu et al. 2023's automatic clipping), as a non-inferiority test: per seed, d = accuracy(candidate) -
 * accuracy(bestFixed), the fixed arm that was best on the exploration seeds (named in the preset). Reproduced when
 * the lower end of the one-sided (1 - alpha) t-interval of mean(d) lies above -margin; not reproduced when the
 * upper end of the (1 - 2 alpha) interval lies below -margin (clearly worse by more than the margin);
 * inconclusive otherwise. Every arm of the sweep is shown. Gates: the non-private baseline learned, every private
 * arm clipped.
 */
class MatchesBestFixedCheck implements Check {
    private final String sweep, baseline, candidate, bestFixed;
    private final double margin, alpha;

    MatchesBestFixedCheck(Checks.Params p) {
        this(p, "dp-adaptive:C=0.1,quantile=0.5,eta=0.2,countNoise=0.05,epsilon=2");
    }

    /** defaultCandidate: the rule without a bound to tune, unless the preset names it. */
    MatchesBestFixedCheck(Checks.Params p, String defaultCandidate) {
        sweep = p.text("sweep", "equal-epsilon");
        baseline = p.text("baseline", "none");
        candidate = p.text("candidate", defaultCandidate);
        bestFixed = p.text("bestFixed", "dp-flat:C=1,epsilon=2");
        margin = p.number("margin", 0.02);
        alpha = p.number("alpha", 0.05);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        Evidence.Rows rows = rows();
        Findings f = new Findings();
        String gate = judgeInto(results, rows, f);
        if (gate != null) return Gates.firstFailure("", rows.table(), gate);
        return f.verdict(rows.table());
    }

    static Evidence.Rows rows() {
        return new Evidence.Rows("sweep", "strategy", "#lr", "#epsilon", "#seeds", "#mean_accuracy", "ci95", "#clip_fraction");
    }

    /** Adds the evidence rows and the finding; returns a failed gate, or null. */
    String judgeInto(Map<String, SweepResults> results, Evidence.Rows rows, Findings f) {
        SweepResults s = results.get(sweep);
        if (s == null) return "no '" + sweep + "' sweep";
        for (String arm : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
            Table r = Evidence.runs(s, arm, Double.NaN);
            double[] acc = Evidence.accuracy(r, 0.1);
            double eps = r.columnNames().contains("dp_epsilon") ? r.numberColumn("dp_epsilon").asDoubleColumn().removeMissing().mean() : Double.NaN;
            rows.add(sweep, arm, r.numberColumn("lr").getDouble(0), eps, r.rowCount(), Evidence.mean(acc), Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)),
                    Gates.clipFraction(r));
        }
        Table base = Evidence.runs(s, baseline, Double.NaN), cand = Evidence.runs(s, candidate, Double.NaN), best = Evidence.runs(s, bestFixed, Double.NaN);
        if (cand.rowCount() == 0 || best.rowCount() == 0) return "the sweep has no '" + (cand.rowCount() == 0 ? candidate : bestFixed) + "' arm";
        String gate = base.rowCount() == 0 ? null : Gates.learned(baseline, Evidence.accuracy(base, 0.1), 0.1);
        if (gate == null) gate = Gates.clipped(candidate, cand);
        if (gate == null) gate = Gates.clipped(bestFixed, best);
        if (gate != null) return gate;
        double[][] pair = Evidence.paired(Evidence.bySeed(cand, Evidence.accuracy(cand, 0.1)), Evidence.bySeed(best, Evidence.accuracy(best, 0.1)));
        if (pair[0].length < 5) {
            f.doubts().add("fewer than 5 seeds ran both " + candidate + " and " + bestFixed);
            return null;
        }
        double[] d = new double[pair[0].length];
        for (int i = 0; i < d.length; i++) d[i] = pair[0][i] - pair[1][i];
        double[] oneSided = StatisticalTests.tostInterval(d, alpha); // its lower end is the one-sided (1 - alpha) bound
        String shown = candidate + " against " + bestFixed + " (best fixed on the exploration seeds): accuracy " + points(Evidence.mean(d))
                + " per seed, " + Evidence.pct(1 - 2 * alpha) + " interval [" + points(oneSided[0]) + ", " + points(oneSided[1]) + "]";
        if (oneSided[0] > -margin) f.established().add(shown + ", above " + points(-margin) + ": not worse by the margin");
        else if (oneSided[1] < -margin) f.failures().add(shown + ", below " + points(-margin) + ": worse than the margin");
        else f.doubts().add(shown + " reaches " + points(-margin));
        return null;
    }

    /** An accuracy difference in percentage points, signed, one decimal. */
    static String points(double d) {
        return String.format(java.util.Locale.ROOT, "%+.1f points", 100 * d);
    }

    /** Mean accuracy per arm with its bootstrap interval. */
    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        SweepResults s = results.get(sweep);
        if (s == null) return List.of();
        List<String> arms = s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList();
        double[] positions = new double[arms.size()];
        for (int i = 0; i < positions.length; i++) positions[i] = i;
        Figure.Series acc = Evidence.meanAccuracy("mean accuracy", s, arms, positions, 0.1);
        return List.of(Figure.dots(id + "-" + sweep, arms).title("Accuracy at equal privacy: each fixed bound and the rule without one")
                .axes("strategy", "mean held-out accuracy").estimates(acc.name(), acc.y(), acc.lower(), acc.upper())
                .caption("Mean over seeds; whiskers: bootstrap 95% interval of the mean."));
    }
}
