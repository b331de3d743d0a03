package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import tech.tablesaw.api.Table;

/**
 * Li, Tramèr, Liang, Hashimoto 2021, ghost clipping's memory: (1) a ghost-clipped step needs at most `factor` times the
 * memory of the non-private step at every batch size measured, where (2) the materialised step's extra memory over the
 * non-private one grows with B x d_in x d_out: a least-squares line through the batch sizes has R^2 >= minR2 and a
 * slope of between growthLow and growthHigh per-example gradients (d_in d_out + d_out entries) per example. Memory is
 * `column` of each step (memory_bytes: the tensors the model and the gradient hold plus what the step allocated,
 * measured by the JVM), paired by repetition; the interval of a ratio is its range over the repetitions (allocation
 * is near deterministic: a range, not a bootstrap). (1) established when the largest ratio is at most `factor` at
 * every B, failed when the smallest exceeds it at some B; (2) failed when the slope is below half of growthLow (the
 * method holds no per-example gradients). The cells judged are those of sequence length `positions` (0: all); the other
 * lengths measured are the neighbours. Gates: at least 3 repetitions per cell, both private methods clipped.
 */
final class GhostMemoryCheck implements MeasuredCheck {
    private final String measurement, method, baseline, materialised, column;
    private final double factor, growthLow, growthHigh, minR2;
    private final int positions;

    /** The cells judged: every batch size at the sequence length `positions` (0: every cell). */
    private List<CostTable.Cell> cells(Table t) {
        return CostTable.cells(t).stream().filter(c -> positions == 0 || c.positions() == positions).toList();
    }

    @Override
    public Map<String, Map<String, Object>> costNeighbours(Map<String, Table> costs) {
        Table t = costs.get(measurement);
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        if (t == null || positions == 0) return out;
        for (CostTable.Cell c : CostTable.cells(t)) if (c.positions() != positions) out.putIfAbsent("T = " + c.positions(), Map.of("positions", c.positions()));
        return out;
    }

    GhostMemoryCheck(Checks.Params p) {
        measurement = p.text("measurement", "memory-by-batch");
        method = p.text("method", "ghost");
        baseline = p.text("baseline", "non-private");
        materialised = p.text("materialised", "materialised");
        column = p.text("column", "memory_bytes");
        positions = (int) p.number("positions", 0);
        factor = p.number("factor", 1.5);
        growthLow = p.number("growthLow", 1.0);
        growthHigh = p.number("growthHigh", 1.5);
        minR2 = p.number("minR2", 0.99);
    }

    @Override
    public Verdict judgeCosts(Map<String, Table> costs) {
        Table t = costs.get(measurement);
        Evidence.Rows rows = new Evidence.Rows("cell", "#" + method + "_mb", "#" + baseline + "_mb", "#" + materialised + "_mb", "#ratio",
                "ratio_range", "#" + materialised + "_extra_mb");
        if (t == null) return Verdict.inconclusive("no measurement '" + measurement + "'", rows.table());
        List<CostTable.Cell> cells = cells(t);
        if (cells.isEmpty()) return Verdict.inconclusive("the measurement has no cell at T = " + positions, rows.table());
        Verdict gate = Gates.firstFailure("Measurement " + measurement, rows.table(), CostGates.repeated(cells, List.of(method, baseline, materialised), 3),
                CostGates.clipped(method, cells), CostGates.clipped(materialised, cells));
        if (gate != null) return gate;
        Findings f = new Findings();
        List<String> over = new ArrayList<>(), unsure = new ArrayList<>();
        double[] batches = new double[cells.size()], extra = new double[cells.size()];
        double worst = 0;
        for (int i = 0; i < cells.size(); i++) {
            CostTable.Cell c = cells.get(i);
            double[] ratios = exp(c.logRatios(method, baseline, column));
            double lo = min(ratios), hi = max(ratios);
            worst = Math.max(worst, hi);
            if (lo > factor) over.add(c.label() + " (" + Evidence.num(lo) + "x at least)");
            else if (hi > factor) unsure.add(c.label() + " (" + Evidence.num(lo) + "x to " + Evidence.num(hi) + "x)");
            double[] diff = difference(c.values(materialised, column), c.values(baseline, column));
            batches[i] = c.batch();
            extra[i] = Evidence.median(diff);
            rows.add(c.label(), mb(Evidence.median(c.values(method, column))), mb(Evidence.median(c.values(baseline, column))),
                    mb(Evidence.median(c.values(materialised, column))), Evidence.median(ratios), "[" + Evidence.num(lo) + ", " + Evidence.num(hi) + "]", mb(extra[i]));
        }
        String ghostPart = method + " needs at most " + Evidence.num(factor) + "x the memory of " + baseline;
        if (!over.isEmpty()) f.failures().add(ghostPart + " fails at " + String.join(", ", over));
        else if (!unsure.isEmpty()) f.doubts().add(ghostPart + " is not shown at " + String.join(", ", unsure));
        else f.established().add(ghostPart + " at every batch size (at most " + Evidence.num(worst) + "x)");
        judgeGrowth(t, batches, extra, f);
        return f.verdict(rows.table());
    }

    /** (2): the extra memory of the materialised step against B, in per-example gradients per example. */
    private void judgeGrowth(Table t, double[] batches, double[] extra, Findings f) {
        if (batches.length < 3) {
            f.doubts().add(materialised + "'s growth with B needs three batch sizes, the measurement has " + batches.length);
            return;
        }
        int[] dims = CostTable.dims(t);
        double gradientBytes = ((double) dims[0] * dims[1] + dims[1]) * (t.stringColumn("dtype").get(0).equals("f32") ? 4 : 8);
        org.apache.commons.math3.stat.regression.SimpleRegression fit = new org.apache.commons.math3.stat.regression.SimpleRegression();
        for (int i = 0; i < batches.length; i++) fit.addData(batches[i], extra[i]);
        double perExample = fit.getSlope() / gradientBytes, r2 = fit.getRSquare();
        String shown = materialised + "'s extra memory grows by " + Evidence.num(perExample) + " per-example gradients (" + dims[0] + " x " + dims[1]
                + " + bias) per example (R^2 " + Evidence.num(r2) + ")";
        if (perExample < growthLow / 2) f.failures().add(shown + ": it does not hold a gradient per example");
        else if (perExample >= growthLow && perExample <= growthHigh && r2 >= minR2) f.established().add(shown);
        else f.doubts().add(shown + ", outside " + Evidence.num(growthLow) + " to " + Evidence.num(growthHigh) + " with R^2 >= " + Evidence.num(minR2));
    }

    @Override
    public List<Figure> costFigures(Map<String, Table> costs, String id) {
        Table t = costs.get(measurement);
        if (t == null) return List.of();
        List<CostTable.Cell> cells = cells(t);
        double[] x = new double[cells.size()];
        for (int i = 0; i < x.length; i++) x[i] = cells.get(i).batch();
        Figure fig = Figure.line(id + "-memory").title("Memory of one private step against the batch size").axes("batch size B", "MB (held + allocated)")
                .logX().logY();
        double[] limit = new double[x.length];
        for (String m : List.of(baseline, method, materialised)) {
            double[] y = new double[x.length], lo = new double[x.length], hi = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double[] v = cells.get(i).values(m, column);
                y[i] = mb(Evidence.median(v));
                lo[i] = mb(min(v));
                hi[i] = mb(max(v));
                if (m.equals(baseline)) limit[i] = factor * y[i];
            }
            fig.add(new Figure.Series(m, x, y, lo, hi, false));
        }
        fig.add(new Figure.Series(Evidence.num(factor) + "x " + baseline, x, limit, null, null, true));
        return List.of(fig.caption("Median memory of a step (the tensors the model and the gradient hold plus the bytes the step allocated, measured by the JVM) "
                + "over the repetitions, with their range. Dashed: the claim's limit for " + method + "."));
    }

    static double mb(double bytes) {
        return bytes / (1 << 20);
    }

    static double[] exp(double[] logs) {
        double[] out = new double[logs.length];
        for (int i = 0; i < logs.length; i++) out[i] = Math.exp(logs[i]);
        return out;
    }

    static double[] difference(double[] a, double[] b) {
        double[] out = new double[Math.min(a.length, b.length)];
        for (int i = 0; i < out.length; i++) out[i] = a[i] - b[i];
        return out;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
