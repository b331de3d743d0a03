package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import org.clipbench.problems.CliffNeuron;
import tech.tablesaw.api.Table;

/**
 * Pascanu et al. 2013, the single-neuron cliff: at the same learning rate, plain gradient descent's
 * largest step in (w, b) is at least `ratio` times the norm-clipped one's, and clipped descent reaches a
 * lower loss. Inconclusive when the clipped run never clipped (the wall was not met).
 */
final class CliffJumpCheck implements Check {
    private final String sweep, baseline, clipped;
    private final double lr, ratio;

    CliffJumpCheck(Checks.Params p) {
        sweep = p.text("sweep", "cliff");
        baseline = p.text("baseline", "none");
        clipped = p.text("clipped", "global-norm:c=0.1,eps=0");
        lr = p.number("lr", 0.1);
        ratio = p.number("ratio", 10);
    }

    record Path(double[] w, double[] b, double maxStep) {
    }

    static Path path(SweepResults s, String runId) {
        double[][] w = Evidence.curves(s, "eval_w").get(runId), b = Evidence.curves(s, "eval_b").get(runId);
        if (w == null || b == null) return new Path(new double[0], new double[0], Double.NaN);
        double max = 0;
        for (int i = 1; i < w[1].length; i++) max = Math.max(max, Math.hypot(w[1][i] - w[1][i - 1], b[1][i] - b[1][i - 1]));
        return new Path(w[1], b[1], max);
    }

    @Override
    public Verdict judge(Map<String, SweepResults> results) {
        SweepResults s = results.get(sweep);
        Table base = Evidence.runs(s, baseline, lr), clip = Evidence.runs(s, clipped, lr);
        Evidence.Rows rows = new Evidence.Rows("strategy", "#lr", "#largest_step", "#best_loss", "#final_loss", "#clip_fraction", "#clip_share", "final_w", "final_b");
        if (base.rowCount() == 0 || clip.rowCount() == 0) return Verdict.inconclusive("the sweep has no runs of " + baseline + " and " + clipped + " at lr " + lr, rows.table());
        Path pb = path(s, base.stringColumn("run_id").get(0)), pc = path(s, clip.stringColumn("run_id").get(0));
        for (var e : List.of(Map.entry(base, pb), Map.entry(clip, pc))) {
            Table r = e.getKey();
            Path p = e.getValue();
            rows.add(r.stringColumn("strategy").get(0), lr, p.maxStep(), r.numberColumn("best_loss").getDouble(0), r.numberColumn("final_loss").getDouble(0),
                    r.numberColumn("clip_fraction").getDouble(0), Gates.clipShare(r), p.w().length > 0 ? Evidence.num(p.w()[p.w().length - 1]) : "",
                    p.b().length > 0 ? Evidence.num(p.b()[p.b().length - 1]) : "");
        }
        double bestBase = base.numberColumn("best_loss").getDouble(0), bestClip = clip.numberColumn("best_loss").getDouble(0);
        if (clip.numberColumn("clip_fraction").getDouble(0) == 0) {
            return Verdict.inconclusive("the clipped run never clipped: the gradient stayed below the threshold, so the wall was not met", rows.table());
        }
        if (bestBase <= 0 || pc.maxStep() <= 0) {
            return Verdict.inconclusive("the plain run started at the minimum or the clipped run never moved: nothing to compare", rows.table());
        }
        String numbers = String.format("largest step %s (plain) vs %s (clipped), %sx; best loss %s vs %s", Evidence.num(pb.maxStep()),
                Evidence.num(pc.maxStep()), Evidence.num(pb.maxStep() / pc.maxStep()), Evidence.num(bestBase), Evidence.num(bestClip));
        if (pb.maxStep() >= ratio * pc.maxStep() && bestClip < bestBase) return Verdict.reproduced(numbers, rows.table());
        return Verdict.notReproduced(numbers + "; needed a ratio >= " + Evidence.num(ratio) + " and a lower clipped loss", rows.table());
    }

    @Override
    public List<Figure> figures(Map<String, SweepResults> results, String id) {
        SweepResults s = results.get(sweep);
        List<Path> paths = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String strategy : List.of(baseline, clipped)) {
            Table r = Evidence.runs(s, strategy, lr);
            if (r.rowCount() == 0) continue;
            paths.add(path(s, r.stringColumn("run_id").get(0)));
            names.add(strategy);
        }
        // Pascanu et al.'s Figure 6: the paths over the loss surface. Plain GD is thrown far off, so a second
        // figure zooms on the clipped path, where the two differ in scale by orders of magnitude.
        double[] all = box(paths, 0.05), near = box(paths.subList(paths.size() - 1, paths.size()), 0.3);
        Figure f = trajectories(id + "-trajectories", "Cliff: gradient descent paths over the loss surface, lr " + Evidence.num(lr), all, paths, names)
                .caption("Grey: contours of log10 of the loss (sigma(x_50) - 0.7)^2 over (w, b); dashed: the cliff, where the loss changes "
                        + "fastest along b. Plain GD meets the cliff and is thrown off it; the next figure zooms on the clipped path.");
        Figure zoom = trajectories(id + "-trajectories-zoom", "Cliff: zoom on the clipped path, lr " + Evidence.num(lr), near, paths, names)
                .caption("The region the clipped path stays in: it walks along the cliff instead of jumping. Plain GD leaves this view "
                        + "within its first steps.");
        Figure loss = Figure.line(id + "-loss").title("Cliff: loss per step, lr " + Evidence.num(lr)).axes("step", "loss").logY()
                .caption("Training loss of plain and clipped gradient descent from the same start.");
        Table c = s.curves().where(s.curves().stringColumn("metric").isEqualTo("loss"));
        for (String strategy : List.of(baseline, clipped)) {
            Table r = Evidence.runs(s, strategy, lr);
            if (r.rowCount() == 0) continue;
            Table cr = c.where(c.stringColumn("run_id").isEqualTo(r.stringColumn("run_id").get(0))).sortOn("step");
            loss.add(strategy, cr.numberColumn("step").asDoubleArray(), cr.doubleColumn("value").asDoubleArray());
        }
        return List.of(f, zoom, loss);
    }

    private static Figure trajectories(String figureId, String title, double[] box, List<Path> paths, List<String> names) {
        Figure f = Figure.line(figureId).title(title).axes("w", "b").range(box[0], box[1], box[2], box[3])
                .surface(lossSurface(box, 120));
        for (int i = 0; i < paths.size(); i++) f.add(names.get(i), paths.get(i).w(), paths.get(i).b());
        f.add(new Figure.Series("cliff", wall()[0], wall()[1], null, null, true));
        return f;
    }

    /** The smallest box (w min, w max, b min, b max) holding every point of the paths, widened by pad on each side. */
    static double[] box(List<Path> paths, double pad) {
        double[] b = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Path p : paths) {
            for (int i = 0; i < p.w().length; i++) {
                if (!Double.isFinite(p.w()[i]) || !Double.isFinite(p.b()[i])) continue;
                b[0] = Math.min(b[0], p.w()[i]);
                b[1] = Math.max(b[1], p.w()[i]);
                b[2] = Math.min(b[2], p.b()[i]);
                b[3] = Math.max(b[3], p.b()[i]);
            }
        }
        if (!(b[0] <= b[1])) return new double[] {4, 6, -4, -1}; // no path: the region of the cliff
        double dw = Math.max(b[1] - b[0], 1e-3) * pad, db = Math.max(b[3] - b[2], 1e-3) * pad;
        return new double[] {b[0] - dw, b[1] + dw, b[2] - db, b[3] + db};
    }

    /** log10 of the loss on an n x n grid over the box (the loss is at least 1e-300 so the log stays finite). */
    static Figure.Surface lossSurface(double[] box, int n) {
        CliffNeuron neuron = CliffNeuron.paper(5, -2.6);
        double[] ws = new double[n], bs = new double[n];
        double[][] z = new double[n][n];
        for (int i = 0; i < n; i++) {
            ws[i] = box[0] + (box[1] - box[0]) * i / (n - 1);
            bs[i] = box[2] + (box[3] - box[2]) * i / (n - 1);
        }
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) z[r][c] = Math.log10(Math.max(neuron.lossAndGradient(ws[c], bs[r])[0], 1e-300));
        }
        return new Figure.Surface("log10 loss", ws, bs, z);
    }

    /** For w in [4, 6], the b where the loss falls fastest (the cliff), found on a fine grid of b. */
    static double[][] wall() {
        CliffNeuron n = CliffNeuron.paper(5, -2.6);
        int k = 41;
        double[] ws = new double[k], bs = new double[k];
        for (int i = 0; i < k; i++) {
            double w = 4 + 2.0 * i / (k - 1);
            double bestB = Double.NaN, steepest = 0;
            for (double b = -4; b <= -1; b += 5e-4) {
                double g = Math.abs(n.lossAndGradient(w, b)[2]);
                if (g > steepest) {
                    steepest = g;
                    bestB = b;
                }
            }
            ws[i] = w;
            bs[i] = bestB;
        }
        return new double[][] {ws, bs};
    }
}
