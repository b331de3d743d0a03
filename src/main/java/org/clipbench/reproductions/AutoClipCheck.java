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
 * a p is the median held-out loss over seeds (unscaled; a diverged run scores +Inf). Reproduced when at
 * every scale p = 100 (never clips) scores worst, the best p is one of `bestPs`, and the chosen
 * `transferP` scores within `transfer` (relative) across all scales. Not reproduced when p = 100 scores
 * best at some scale; inconclusive otherwise.
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
        boolean all = true, refuted = false;
        List<Double> transferScores = new ArrayList<>();
        for (SweepResults s : sweeps) {
            String bestP = null, worstP = null;
            double best = Double.POSITIVE_INFINITY, worst = Double.NEGATIVE_INFINITY;
            for (String strategy : grid(s)) {
                Table r = Evidence.runs(s, strategy, Double.NaN);
                double[] loss = Evidence.values(r, "eval_loss", Double.POSITIVE_INFINITY);
                double m = Evidence.median(loss);
                String p = label(percentile(strategy));
                rows.add(scale(s), percentile(strategy), r.rowCount(), Evidence.divergedCount(r), m, Evidence.interval(Evidence.bootstrap(loss, Evidence::median)));
                if (m < best) { best = m; bestP = p; }
                if (m >= worst) { worst = m; worstP = p; }
                if (p.equals(transferP)) transferScores.add(m);
            }
            notes.add("scale " + Evidence.num(scale(s)) + ": best p " + bestP + ", worst p " + worstP);
            if (!"100".equals(worstP) || !bestPs.contains(bestP)) all = false;
            if ("100".equals(bestP)) refuted = true;
        }
        double lo = transferScores.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double hi = transferScores.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        double spread = (hi - lo) / lo;
        String numbers = String.join("; ", notes) + "; p = " + transferP + " across scales varies " + Evidence.pct(spread);
        Table t = rows.table();
        if (refuted) return Verdict.notReproduced(numbers + ": never clipping (p = 100) is best somewhere", t);
        if (all && spread <= transfer) return Verdict.reproduced(numbers, t);
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
