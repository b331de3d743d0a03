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
 * arm clipped, and (with `explore`) no tuned value at the edge of its grid. With `explore`, each arm runs at the
 * learning rate it did best at on the exploration sweep (a bound and the learning rate are coupled: one shared rate
 * favours the bound it was tuned for), and the best fixed bound is chosen there too.
 */
class MatchesBestFixedCheck implements Check {
    private final String sweep, baseline, candidate, bestFixed, explore, fixedPrefix;
    private final double margin, alpha;
    private final boolean identityWhenAllClipped;

    MatchesBestFixedCheck(Checks.Params p) {
        this(p, "dp-adaptive:C=0.1,quantile=0.5,eta=0.2,countNoise=0.05,epsilon=2");
    }

    /** defaultCandidate: the rule without a bound to tune, unless the preset names it. */
    MatchesBestFixedCheck(Checks.Params p, String defaultCandidate) {
        sweep = p.text("sweep", "equal-epsilon");
        baseline = p.text("baseline", "none");
        candidate = p.text("candidate", defaultCandidate);
        bestFixed = p.text("bestFixed", "dp-flat:C=1,epsilon=2");
        // explore: a sweep of the same arms over a grid of learning rates on exploration seeds. Each arm then runs at the
        // rate it did best at there, and the best fixed bound is the fixed arm (named fixedPrefix...) that did best.
        explore = p.text("explore", "");
        fixedPrefix = p.text("fixedPrefix", "dp-flat:");
        // when the best fixed bound clipped every example and runs at the candidate's lr x C, flat clipping is
        // C g/||g|| and a normalising candidate C g/(||g|| + gamma) is the same step up to gamma: the comparison is
        // then a demonstration, not a test
        identityWhenAllClipped = p.text("identityWhenAllClipped", "false").equals("true");
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
        return new Evidence.Rows("sweep", "strategy", "#lr", "#epsilon", "#seeds", "#mean_accuracy", "ci95", "#clip_fraction", "#clip_share");
    }

    /** Per arm, the learning rate of its best mean accuracy on the exploration sweep (ties: the smaller rate). */
    static Map<String, Double> tunedRates(SweepResults explored) {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (String arm : explored.runs().stringColumn("strategy").unique().asList()) {
            double best = Double.NEGATIVE_INFINITY, at = Double.NaN;
            for (double lr : Evidence.lrs(explored)) {
                Table r = Evidence.runs(explored, arm, lr);
                if (r.rowCount() == 0) continue;
                double acc = Evidence.mean(Evidence.accuracy(r, 0.1));
                if (acc > best) {
                    best = acc;
                    at = lr;
                }
            }
            out.put(arm, at);
        }
        return out;
    }

    /** The fixed arm with the best mean accuracy on the exploration sweep, each at its tuned rate. */
    private String bestFixedOn(SweepResults explored, Map<String, Double> rates) {
        String best = null;
        double bestAcc = Double.NEGATIVE_INFINITY;
        for (var e : rates.entrySet()) {
            if (!e.getKey().startsWith(fixedPrefix)) continue;
            double acc = Evidence.mean(Evidence.accuracy(Evidence.runs(explored, e.getKey(), e.getValue()), 0.1));
            if (acc > bestAcc) {
                bestAcc = acc;
                best = e.getKey();
            }
        }
        return best;
    }

    /**
     * The grid-edge gate (issue 38): a value tuned on the exploration sweep that sits at an end of its grid may be short of
     * the best one beyond it, so the comparison would rest on an under-tuned arm. The candidate's and the best fixed arm's
     * rates must lie inside the rate grid, and the best fixed bound inside the grid of fixed bounds; else the gate fails,
     * naming the grid to extend.
     */
    private String tunedAtAnEdge(SweepResults explored, Map<String, Double> rates, String best) {
        List<Double> grid = Evidence.lrs(explored);
        String span = "[" + Evidence.num(grid.get(0)) + ", " + Evidence.num(grid.get(grid.size() - 1)) + "]";
        for (String arm : List.of(candidate, best)) {
            Double r = rates.get(arm);
            if (r == null) continue;
            if (r.equals(grid.get(0)) || r.equals(grid.get(grid.size() - 1))) {
                return arm + "'s best learning rate on the exploration seeds, " + Evidence.num(r) + ", is at the edge of the grid " + span
                        + ": extend the grid past it, the arm may be under-tuned";
            }
        }
        List<Double> bounds = rates.keySet().stream().filter(a -> a.startsWith(fixedPrefix)).map(DpNoiseCheck::bound).sorted().toList();
        double c = DpNoiseCheck.bound(best);
        if (bounds.size() > 1 && (c == bounds.get(0) || c == bounds.get(bounds.size() - 1))) {
            return "the best fixed bound on the exploration seeds, C = " + Evidence.num(c) + ", is at the edge of the bounds tried [" + Evidence.num(bounds.get(0))
                    + ", " + Evidence.num(bounds.get(bounds.size() - 1)) + "]: extend them past it";
        }
        return Gates.pass("tuned inside the grids: " + candidate + " at lr " + Evidence.num(rates.get(candidate)) + ", " + best + " at lr "
                + Evidence.num(rates.get(best)) + " (rates " + span + ")");
    }

    /** Adds the evidence rows and the finding; returns a failed gate, or null. */
    String judgeInto(Map<String, SweepResults> results, Evidence.Rows rows, Findings f) {
        SweepResults s = results.get(sweep);
        if (s == null) return "no '" + sweep + "' sweep";
        Map<String, Double> rates = null;
        String best = bestFixed;
        if (!explore.isEmpty()) {
            SweepResults explored = results.get(explore);
            if (explored == null) return "no '" + explore + "' sweep to tune the learning rates on";
            rates = tunedRates(explored);
            best = bestFixedOn(explored, rates);
            if (best == null) return "the '" + explore + "' sweep has no fixed arm (" + fixedPrefix + "...)";
            String edge = tunedAtAnEdge(explored, rates, best);
            if (edge != null) return edge;
        }
        for (String arm : s.runs().stringColumn("strategy").unique().asList().stream().sorted().toList()) {
            Table r = Evidence.runs(s, arm, rates == null ? Double.NaN : rates.getOrDefault(arm, Double.NaN));
            if (r.rowCount() == 0) continue;
            double[] acc = Evidence.accuracy(r, 0.1);
            double eps = r.columnNames().contains("dp_epsilon") ? r.numberColumn("dp_epsilon").asDoubleColumn().removeMissing().mean() : Double.NaN;
            rows.add(sweep, arm, r.numberColumn("lr").getDouble(0), eps, r.rowCount(), Evidence.mean(acc), Evidence.interval(Evidence.bootstrap(acc, Evidence::mean)),
                    Gates.clipFraction(r), Gates.clipShare(r));
        }
        Table base = arm(s, baseline, rates), cand = arm(s, candidate, rates), fixed = arm(s, best, rates);
        if (cand.rowCount() == 0 || fixed.rowCount() == 0) return "the sweep has no '" + (cand.rowCount() == 0 ? candidate : best) + "' arm";
        String gate = base.rowCount() == 0 ? null : Gates.learned(baseline, Evidence.accuracy(base, 0.1), 0.1);
        if (gate == null) gate = Gates.clipped(candidate, cand);
        if (gate == null) gate = Gates.clipped(best, fixed);
        if (gate != null) return gate;
        double[][] pair = Evidence.paired(Evidence.bySeed(cand, Evidence.accuracy(cand, 0.1)), Evidence.bySeed(fixed, Evidence.accuracy(fixed, 0.1)));
        if (pair[0].length < 5) {
            f.doubts().add("fewer than 5 seeds ran both " + candidate + " and " + best);
            return null;
        }
        double[] d = new double[pair[0].length];
        for (int i = 0; i < d.length; i++) d[i] = pair[0][i] - pair[1][i];
        double[] oneSided = StatisticalTests.tostInterval(d, alpha); // its lower end is the one-sided (1 - alpha) bound
        String tuned = rates == null ? "" : " (lr " + Evidence.num(rates.get(candidate)) + " against " + Evidence.num(rates.get(best)) + ", each tuned on the exploration seeds)";
        String shown = candidate + " against " + best + " (best fixed on the exploration seeds)" + tuned + ": accuracy " + points(Evidence.mean(d))
                + " per seed, " + Evidence.pct(1 - 2 * alpha) + " interval [" + points(oneSided[0]) + ", " + points(oneSided[1]) + "]";
        boolean sameStep = Math.abs(cand.numberColumn("lr").getDouble(0) * DpNoiseCheck.bound(candidate)
                - fixed.numberColumn("lr").getDouble(0) * DpNoiseCheck.bound(best)) <= 1e-9 * fixed.numberColumn("lr").getDouble(0) * DpNoiseCheck.bound(best);
        Findings part = identityWhenAllClipped && sameStep && Gates.clipShare(fixed) >= 0.99 ? new Findings() : f;
        if (oneSided[0] > -margin) part.established().add(shown + ", above " + points(-margin) + ": not worse by the margin");
        else if (oneSided[1] < -margin) part.failures().add(shown + ", below " + points(-margin) + ": worse than the margin");
        else part.doubts().add(shown + " reaches " + points(-margin));
        if (part != f) {
            f.demonstration(part, best + " clipped " + Evidence.pct(Gates.clipShare(fixed)) + " of the examples at the candidate's lr x C, so it is C g/||g||, the candidate's rule up to its gamma");
        }
        return null;
    }

    private static Table arm(SweepResults s, String strategy, Map<String, Double> rates) {
        return Evidence.runs(s, strategy, rates == null ? Double.NaN : rates.getOrDefault(strategy, Double.NaN));
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
        Map<String, Double> rates = explore.isEmpty() || results.get(explore) == null ? null : tunedRates(results.get(explore));
        double[] positions = new double[arms.size()], y = new double[arms.size()], lo = new double[arms.size()], hi = new double[arms.size()];
        List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
            double[] acc = Evidence.accuracy(arm(s, arms.get(i), rates), 0.1); // each arm at its tuned rate, when tuned
            double[] ci = Evidence.bootstrap(acc, Evidence::mean);
            y[i] = Evidence.mean(acc);
            lo[i] = ci[0];
            hi[i] = ci[1];
            labels.add(rates == null ? arms.get(i) : arms.get(i) + " (lr " + Evidence.num(rates.getOrDefault(arms.get(i), Double.NaN)) + ")");
        }
        return List.of(Figure.dots(id + "-" + sweep, labels).title("Accuracy at equal privacy: each fixed bound and the rule without one")
                .axes("strategy", "mean held-out accuracy").estimates("mean accuracy", y, lo, hi)
                .caption("Mean over seeds" + (rates == null ? "" : ", each arm at the learning rate it did best at on the exploration seeds")
                        + "; whiskers: bootstrap 95% interval of the mean."));
    }
}
