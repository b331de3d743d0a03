package org.clipbench.reproductions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import tech.tablesaw.api.Table;

/**
 * Bu, Wang, Zha, Karypis 2023, book-keeping's time: a step of `method` takes at most `factor` times the step of
 * `baseline` on the same batch, at the cell of `positions` (and `batch`; 0: the measurement's only one). Each
 * repetition ran both once, in a shuffled order; the ratio is the median of the paired ratios with its 95% percentile
 * bootstrap interval. Established when the interval's upper end is at most `factor`, failed when its lower end
 * exceeds it. Shown beside it: the ratio of operation counts, 1 + T (2 (d_in + d_out) + 1) / (4 d_in d_out): the
 * Gram products and their inner product over the step's forward and weight-gradient products (the paper's 1.03x
 * is such a count). Gates: at least `minRepetitions` pairs; every step of the method clipped. Neighbours: the other
 * sequence lengths the measurement holds.
 */
final class StepTimeRatioCheck implements MeasuredCheck {
    private final String measurement, method, baseline;
    private final double factor;
    private final int positions, batch, minRepetitions;

    StepTimeRatioCheck(Checks.Params p) {
        measurement = p.text("measurement", "time");
        method = p.text("method", "book-keeping");
        baseline = p.text("baseline", "non-private");
        factor = p.number("factor", 1.25);
        positions = (int) p.number("positions", 16);
        batch = (int) p.number("batch", 0);
        minRepetitions = (int) p.number("minRepetitions", 10);
    }

    private CostTable.Cell cell(Table t, int T) {
        for (CostTable.Cell c : CostTable.cells(t)) if (c.positions() == T && (batch == 0 || c.batch() == batch)) return c;
        return null;
    }

    /** The operation count of the method's step over the baseline's, for a layer of the given shape. */
    static double operationRatio(int T, int in, int out) {
        return 1 + T * (2.0 * (in + out) + 1) / (4.0 * in * out);
    }

    @Override
    public Verdict judgeCosts(Map<String, Table> costs) {
        Table t = costs.get(measurement);
        Evidence.Rows rows = new Evidence.Rows("cell", "#" + method + "_ms", "#" + baseline + "_ms", "#ratio", "ratio_95pct", "#operation_ratio", "#pairs");
        if (t == null) return Verdict.inconclusive("no measurement '" + measurement + "'", rows.table());
        CostTable.Cell c = cell(t, positions);
        if (c == null) return Verdict.inconclusive("the measurement has no cell at T = " + positions + (batch == 0 ? "" : ", B = " + batch), rows.table());
        Verdict gate = Gates.firstFailure("Measurement " + measurement + " at " + c.label(), rows.table(),
                CostGates.repeated(List.of(c), List.of(method, baseline), minRepetitions), CostGates.clipped(method, List.of(c)));
        if (gate != null) return gate;
        int[] dims = CostTable.dims(t);
        double[] r = CostTable.ratio(c.logRatios(method, baseline, "time_ns"));
        double ops = operationRatio(positions, dims[0], dims[1]);
        rows.add(c.label(), Evidence.median(c.values(method, "time_ns")) / 1e6, Evidence.median(c.values(baseline, "time_ns")) / 1e6, r[0],
                Evidence.interval(new double[] {r[1], r[2]}), ops, c.logRatios(method, baseline, "time_ns").length);
        Findings f = new Findings();
        String shown = method + " / " + baseline + " step time " + Evidence.num(r[0]) + "x, 95% interval " + Evidence.interval(new double[] {r[1], r[2]})
                + " at " + c.label() + " (operation count " + Evidence.num(ops) + "x)";
        if (r[2] <= factor) f.established().add(shown + ": within " + Evidence.num(factor) + "x");
        else if (r[1] > factor) f.failures().add(shown + ": beyond " + Evidence.num(factor) + "x");
        else f.doubts().add(shown + " is not shown within " + Evidence.num(factor) + "x");
        return f.verdict(rows.table());
    }

    @Override
    public Map<String, Map<String, Object>> costNeighbours(Map<String, Table> costs) {
        Table t = costs.get(measurement);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (t == null) return out;
        for (CostTable.Cell c : CostTable.cells(t)) {
            if (c.positions() != positions && (batch == 0 || c.batch() == batch)) out.put("T = " + c.positions(), Map.of("positions", c.positions()));
        }
        return out;
    }

    @Override
    public List<Figure> costFigures(Map<String, Table> costs, String id) {
        Table t = costs.get(measurement);
        if (t == null) return List.of();
        int[] dims = CostTable.dims(t);
        List<String> cats = new ArrayList<>();
        List<double[]> measured = new ArrayList<>();
        List<Double> model = new ArrayList<>();
        for (CostTable.Cell c : CostTable.cells(t)) {
            if (batch != 0 && c.batch() != batch) continue;
            cats.add(c.label());
            measured.add(CostTable.ratio(c.logRatios(method, baseline, "time_ns")));
            model.add(operationRatio(c.positions(), dims[0], dims[1]));
        }
        int n = cats.size();
        double[] y = new double[n], lo = new double[n], hi = new double[n], ops = new double[n], limit = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = measured.get(i)[0];
            lo[i] = measured.get(i)[1];
            hi[i] = measured.get(i)[2];
            ops[i] = model.get(i);
            limit[i] = factor;
        }
        return List.of(Figure.dots(id + "-time-ratio", cats).title(method + " step time over the " + baseline + " step (" + dims[0] + " x " + dims[1] + ")")
                .axes("cell", "time ratio").estimates("measured", y, lo, hi).estimates("operation count", ops, ops, ops)
                .estimates("claim's limit", limit, limit, limit)
                .caption("Median of the paired ratios of step times (each repetition ran both steps, in a shuffled order), with its 95% bootstrap interval; "
                        + "the ratio of operation counts (grey); the limit the claim is tested against."));
    }
}
