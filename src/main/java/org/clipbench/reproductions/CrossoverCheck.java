package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import tech.tablesaw.api.Table;

/**
 * Li et al. 2021's crossover, in time: over a ladder of sequence lengths T, `method` (ghost clipping) is faster than
 * `other` (materialised per-example gradients) for short sequences and slower for long ones, and the crossover lies
 * within a factor `within` of sqrt(d_in d_out). At each T the paired ratio of step times (median, 95% bootstrap
 * interval) says faster (upper end below 1), slower (lower end above 1) or undecided; the crossover lies between T_a,
 * the largest T faster below T_b, the smallest T slower. Established when [T_a, T_b] lies inside [sqrt(d_in d_out) /
 * within, sqrt(d_in d_out) within], failed when it lies wholly outside. Gate: the ladder brackets a crossover (faster at
 * its shortest T, slower at its longest), enough pairs, both methods clipped. Shown, not tested: where the methods'
 * working sets (counted) cross, which is set by construction (two T x T Gram matrices per example against a gradient
 * per example).
 */
final class CrossoverCheck implements MeasuredCheck {
    private final String measurement, method, other;
    private final double within;
    private final int minRepetitions;

    CrossoverCheck(Checks.Params p) {
        measurement = p.text("measurement", "ladder");
        method = p.text("method", "ghost");
        other = p.text("other", "materialised");
        within = p.number("within", 2);
        minRepetitions = (int) p.number("minRepetitions", 10);
    }

    @Override
    public Verdict judgeCosts(Map<String, Table> costs) {
        Table t = costs.get(measurement);
        Evidence.Rows rows = new Evidence.Rows("cell", "#" + method + "_ms", "#" + other + "_ms", "#ratio", "ratio_95pct", "faster", "#working_set_ratio");
        if (t == null) return Verdict.inconclusive("no measurement '" + measurement + "'", rows.table());
        List<CostTable.Cell> cells = CostTable.cells(t);
        Verdict gate = Gates.firstFailure("Measurement " + measurement, rows.table(), CostGates.repeated(cells, List.of(method, other), minRepetitions),
                CostGates.clipped(method, cells), CostGates.clipped(other, cells));
        if (gate != null) return gate;
        int n = cells.size();
        double[][] ratio = new double[n][];
        for (int i = 0; i < n; i++) {
            CostTable.Cell c = cells.get(i);
            ratio[i] = CostTable.ratio(c.logRatios(method, other, "time_ns"));
            rows.add(c.label(), Evidence.median(c.values(method, "time_ns")) / 1e6, Evidence.median(c.values(other, "time_ns")) / 1e6, ratio[i][0],
                    Evidence.interval(new double[] {ratio[i][1], ratio[i][2]}), ratio[i][2] < 1 ? method : ratio[i][1] > 1 ? other : "undecided",
                    Evidence.median(c.values(method, "working_set_bytes")) / Evidence.median(c.values(other, "working_set_bytes")));
        }
        int[] dims = CostTable.dims(t);
        double root = Math.sqrt((double) dims[0] * dims[1]), lo = root / within, hi = root * within;
        String claimed = "[" + Evidence.num(lo) + ", " + Evidence.num(hi) + "] (sqrt(" + dims[0] + " x " + dims[1] + ") = " + Evidence.num(root) + ", within " + Evidence.num(within) + "x)";
        if (n == 0 || !(ratio[0][2] < 1) || !(ratio[n - 1][1] > 1)) {
            return Verdict.inconclusive("Gate failed: the ladder does not bracket a crossover (" + method + " must be faster at its shortest T and slower at its longest)",
                    rows.table());
        }
        int b = 0;
        while (!(ratio[b][1] > 1)) b++;
        int a = b - 1;
        while (a > 0 && !(ratio[a][2] < 1)) a--;
        int tA = cells.get(a).positions(), tB = cells.get(b).positions();
        String shown = "the " + method + " / " + other + " crossover lies between T = " + tA + " (" + method + " faster) and T = " + tB + " (slower), estimate T = "
                + Evidence.num(estimate(cells, ratio)) + "; the claim's interval " + claimed;
        Findings f = new Findings();
        if (tA >= lo && tB <= hi) f.established().add(shown);
        else if (tB <= lo || tA >= hi) f.failures().add(shown + " does not hold it");
        else f.doubts().add(shown + " overlaps it only in part");
        Findings memory = new Findings();
        memory.established().add(workingSetCrossover(cells));
        f.demonstration(memory, "the memory each method holds is set by its algorithm: two T x T Gram matrices per example against a gradient per example");
        return f.verdict(rows.table());
    }

    /** Where the median ratio crosses 1, interpolated in log T and log ratio between the ladder's neighbours. */
    static double estimate(List<CostTable.Cell> cells, double[][] ratio) {
        for (int i = 1; i < cells.size(); i++) {
            double r0 = Math.log(ratio[i - 1][0]), r1 = Math.log(ratio[i][0]);
            if (r0 < 0 && r1 >= 0) {
                double l0 = Math.log(cells.get(i - 1).positions()), l1 = Math.log(cells.get(i).positions());
                return Math.exp(l0 + (l1 - l0) * (-r0) / (r1 - r0));
            }
        }
        return Double.NaN;
    }

    private String workingSetCrossover(List<CostTable.Cell> cells) {
        for (CostTable.Cell c : cells) {
            if (Evidence.median(c.values(method, "working_set_bytes")) > Evidence.median(c.values(other, "working_set_bytes"))) {
                return "in memory (the tensors each step holds, counted) " + method + " holds more than " + other + " from T = " + c.positions() + " on";
            }
        }
        return "in memory (the tensors each step holds, counted) " + method + " holds less than " + other + " at every T of the ladder";
    }

    @Override
    public List<Figure> costFigures(Map<String, Table> costs, String id) {
        Table t = costs.get(measurement);
        if (t == null) return List.of();
        List<CostTable.Cell> cells = CostTable.cells(t);
        int n = cells.size();
        double[] x = new double[n], y = new double[n], lo = new double[n], hi = new double[n], one = new double[n];
        for (int i = 0; i < n; i++) {
            double[] r = CostTable.ratio(cells.get(i).logRatios(method, other, "time_ns"));
            x[i] = cells.get(i).positions();
            y[i] = r[0];
            lo[i] = r[1];
            hi[i] = r[2];
            one[i] = 1;
        }
        int[] dims = CostTable.dims(t);
        double root = Math.sqrt((double) dims[0] * dims[1]);
        double top = Math.max(2, GhostMemoryCheck.max(hi)), bottom = Math.min(0.5, GhostMemoryCheck.min(lo));
        List<Figure.Series> series = new ArrayList<>();
        series.add(new Figure.Series(method + " / " + other, x, y, lo, hi, false));
        series.add(new Figure.Series("equal time", x, one, null, null, true));
        series.add(new Figure.Series("sqrt(d_in d_out) / " + Evidence.num(within), new double[] {root / within, root / within}, new double[] {bottom, top}, null, null, true));
        series.add(new Figure.Series("sqrt(d_in d_out) x " + Evidence.num(within), new double[] {root * within, root * within}, new double[] {bottom, top}, null, null, true));
        Figure fig = Figure.line(id + "-crossover").title(method + " over " + other + " step time against T (" + dims[0] + " x " + dims[1] + ")")
                .axes("sequence length T", "time ratio").logX().logY();
        series.forEach(fig::add);
        return List.of(fig.caption("Median of the paired ratios of step times with its 95% bootstrap band; below 1 " + method + " is faster. "
                + "The dashed verticals bound the claim's interval around sqrt(d_in d_out)."));
    }
}
