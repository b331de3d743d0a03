package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * Seetharaman et al. 2020 (AutoClip), adapted: the percentile p swept at several loss scales; the score of
 * a p is the median held-out loss over seeds (unscaled; a diverged run scores +Inf), with a bootstrap 95%
 * interval. Reproduced when at every scale p = 100 (never clips) scores worst and its interval lies above
 * that of the best p, the best p is one of `bestPs`, and `transferP` scores within `transfer` (relative)
 * across all scales. Not reproduced when p = 100 is better than every p of `bestPs` with separated
 * intervals at some scale; inconclusive otherwise (e.g. every difference within the intervals).
 */
final class AutoClipCheck implements Check {
    private static final Pattern P = Pattern.compile("p=([0-9.]+)");
    private final List<String> bestPs;
    private final String transferP;
    private final double transfer;

    AutoClipCheck(Checks.Params p) {
        bestPs = p.texts("bestPs", List.of("1", "10"));
        transferP = p.text("transferP", "10");
        transfer = p.number("transfer", 0.1);
    }

    static double scale(SweepResults s) {
        return s.runs().columnNames().contains("problem_lossScale") ? s.runs().numberColumn("problem_lossScale").getDouble(0) : 1;
    }

    static double percentile(String strategy) {
        Matcher m = P.matcher(strategy);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static String label(double p) {
        return java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }

    static List<String> grid(SweepResults s) {
        return s.runs().stringColumn("strategy").unique().asList().stream().filter(x -> x.startsWith("autoclip"))
                .sorted(Comparator.comparingDouble(AutoClipCheck::percentile)).toList();
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AutoClipCheck::scale));
        Evidence.Rows rows = new Evidence.Rows("#loss_scale", "#p", "#seeds", "#diverged", "#median_eval_loss", "ci95");
        List<String> notes = new ArrayList<>();
        boolean all = true, refuted = false, anySignificant = false;
        List<Double> transferScores = new ArrayList<>();
        for (SweepResults s : sweeps) {
            String bestP = null, worstP = null;
            double best = Double.POSITIVE_INFINITY, worst = Double.NEGATIVE_INFINITY;
            double[] never = null, bestOfClaimed = null;
            double bestClaimed = Double.POSITIVE_INFINITY;
            for (String strategy : grid(s)) {
                Table r = Evidence.runs(s, strategy, Double.NaN);
                double[] loss = Evidence.values(r, "eval_loss", Double.POSITIVE_INFINITY);
                double m = Evidence.median(loss);
                String p = label(percentile(strategy));
                double[] ci = Evidence.bootstrap(loss, Evidence::median);
                rows.add(scale(s), percentile(strategy), r.rowCount(), Evidence.divergedCount(r), m, Evidence.interval(ci));
                if (p.equals("100")) never = ci;
                if (bestPs.contains(p) && m < bestClaimed) {
                    bestClaimed = m;
                    bestOfClaimed = ci;
                }
                if (m < best) { best = m; bestP = p; }
                if (m >= worst) { worst = m; worstP = p; }
                if (p.equals(transferP)) transferScores.add(m);
            }
            boolean helps = never != null && bestOfClaimed != null && bestOfClaimed[1] < never[0];
            boolean hurts = never != null && bestOfClaimed != null && never[1] < bestOfClaimed[0];
            anySignificant |= helps || hurts;
            notes.add("scale " + Evidence.num(scale(s)) + ": best p " + bestP + ", worst p " + worstP
                    + (helps ? " (p in " + bestPs + " clearly better than p = 100)" : hurts ? " (p = 100 clearly better)" : " (intervals overlap)"));
            if (!"100".equals(worstP) || !bestPs.contains(bestP) || !helps) all = false;
            if (hurts) refuted = true;
        }
        double lo = transferScores.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = transferScores.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double spread = (hi - lo) / lo;
        String numbers = String.join("; ", notes) + "; p = " + transferP + " across scales varies " + Evidence.pct(spread);
        Table t = rows.table();
        if (refuted) return Verdict.notReproduced(numbers + ": never clipping (p = 100) is clearly better than p in " + bestPs + " somewhere", t);
        if (all && spread <= transfer) return Verdict.reproduced(numbers, t);
        if (!anySignificant) return Verdict.inconclusive(numbers + ": no difference between p = 100 and p in " + bestPs
                + " is outside the 95% intervals, so in this setup the percentile makes no measurable difference", t);
        return Verdict.inconclusive(numbers + ": needed p = 100 worst and p in " + bestPs + " best at every scale, and <= "
                + Evidence.pct(transfer) + " variation across scales", t);
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        List<SweepResults> sweeps = new ArrayList<>(results.values());
        sweeps.sort(Comparator.comparingDouble(AutoClipCheck::scale));
        Figure f = Figure.line(id + "-loss-vs-p").title("AutoClip: held-out loss against the percentile p, by loss scale")
                .axes("percentile p (100 = never clips)", "median held-out MSE over seeds").logY()
                .caption("The training loss is multiplied by the scale; the held-out loss is not, so the curves are comparable. Diverged runs are left out of the line.");
        for (SweepResults s : sweeps) {
            List<String> grid = grid(s);
            double[] x = new double[grid.size()], y = new double[grid.size()];
            for (int i = 0; i < grid.size(); i++) {
                x[i] = percentile(grid.get(i));
                y[i] = Evidence.median(Evidence.values(Evidence.runs(s, grid.get(i), Double.NaN), "eval_loss", Double.POSITIVE_INFINITY));
            }
            f.add("loss x " + Evidence.num(scale(s)), x, y);
        }
        return List.of(f);
    }
}
