// The standard convergence figures of every report, per sweep: training loss per strategy (median and
// inter-quartile band over seeds) at each learning rate, the share of runs clipping over training, the
// final-loss heatmap over strategy x learning rate and the share of seeds diverged (exact binomial
// intervals); over all sweeps, success rate against sequence length when they cover several lengths.
// The report runs this script over its inputs and puts the figures in its Convergence section; by hand,
// from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/sweeps/digits-quick -R-Dout=target/figures analysis/report/convergence/standard-figures.jsh
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;
import tech.tablesaw.aggregate.AggregateFunctions;

/** Median and inter-quartile range over seeds of the training loss, per strategy, at one learning rate. */
Figure lossCurves(Table curves, String lr, String id, String sweep) {
    Table loss = curves.where(curves.stringColumn("metric").isEqualTo("loss").and(curves.stringColumn("lr_label").isEqualTo(lr)));
    Figure f = Figure.line("loss-curves-" + id).title(sweep + ": training loss at lr " + lr).axes("step", "training loss")
            .caption("Median over seeds; band: first to third quartile. Diverged runs stop at their last recorded step.");
    if (loss.doubleColumn("value").min() > 0) f.logY();
    return Plots.addQuartileSeries(f, loss, "strategy");
}

/** Share of runs whose recorded step was clipped, per strategy and learning rate, over training. */
Figure clipFraction(Table curves, String id, String sweep) {
    Table c = curves.where(curves.stringColumn("metric").isEqualTo("clipped").and(curves.stringColumn("strategy").isNotEqualTo("none")));
    StringColumn key = StringColumn.create("series");
    for (int r = 0; r < c.rowCount(); r++) key.append(c.stringColumn("strategy").get(r) + " @ lr " + c.stringColumn("lr_label").get(r));
    c.addColumns(key);
    Table m = c.summarize("value", AggregateFunctions.mean).by("series", "step");
    Figure f = Figure.line("clip-fraction-" + id).title(sweep + ": share of runs clipping, over training").axes("step", "fraction of runs clipped")
            .caption("At each recorded step, the fraction of the seeds whose gradient (or update) was clipped.");
    for (String s : Plots.sorted(m, "series")) {
        Table r = m.where(m.stringColumn("series").isEqualTo(s)).sortOn("step");
        f.add(s, r.numberColumn("step").asDoubleArray(), r.doubleColumn(2).asDoubleArray());
    }
    return f;
}

/** The learning rates of the runs as labelled, in increasing order. */
List<String> learningRates(Table runs) {
    return new ArrayList<>(new LinkedHashSet<>(runs.sortOn("lr").stringColumn("lr_label").asList()));
}

/** Median final training loss over the seeds that did not diverge, per strategy and learning rate. */
Figure finalLossHeatmap(SweepResults s, String id) {
    List<String> strategies = Plots.sorted(s.runs(), "strategy"), lrs = learningRates(s.runs());
    Table fin = s.finished();
    Table med = fin.rowCount() == 0 ? null : fin.summarize("final_loss", AggregateFunctions.median).by("strategy", "lr_label");
    double[][] z = new double[strategies.size()][lrs.size()];
    for (int i = 0; i < strategies.size(); i++) {
        for (int j = 0; j < lrs.size(); j++) {
            z[i][j] = Double.NaN;
            if (med == null) continue;
            Table cell = med.where(med.stringColumn("strategy").isEqualTo(strategies.get(i)).and(med.stringColumn("lr_label").isEqualTo(lrs.get(j))));
            if (cell.rowCount() > 0) z[i][j] = cell.doubleColumn(2).get(0);
        }
    }
    return Figure.heatmap("final-loss-" + id, lrs, strategies, z).title(s.name() + ": median final training loss")
            .axes("learning rate", "strategy").caption("Median over the seeds that did not diverge; an empty cell: every seed diverged.");
}

/** Share of seeds diverged per strategy, a point per learning rate, with its exact binomial 95% interval. */
Figure divergences(SweepResults s, String id) {
    Table runs = s.runs();
    List<String> strategies = Plots.sorted(runs, "strategy");
    Figure f = Figure.dots("divergences-" + id, strategies).title(s.name() + ": diverged runs").valueRange(0, 1)
            .axes("strategy", "fraction of seeds diverged")
            .caption("A run diverges when its loss is NaN/Inf or exceeds the divergence factor times its first loss. "
                    + "Whiskers: exact binomial (Clopper-Pearson) 95% interval over the seeds.");
    for (String lr : learningRates(runs)) {
        double[] y = new double[strategies.size()], lo = new double[y.length], hi = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            Table cell = runs.where(runs.stringColumn("strategy").isEqualTo(strategies.get(i)).and(runs.stringColumn("lr_label").isEqualTo(lr)));
            int diverged = (int) cell.stringColumn("diverged").countOccurrences("true");
            double[] ci = Plots.binomialInterval(cell.rowCount(), diverged);
            y[i] = cell.rowCount() == 0 ? Double.NaN : (double) diverged / cell.rowCount();
            lo[i] = ci[0];
            hi[i] = ci[1];
        }
        f.estimates("lr " + lr, y, lo, hi);
    }
    return f;
}

List<SweepResults> sweeps = ScriptOutput.sweeps();
for (SweepResults s : sweeps) {
    String id = Plots.slug(s.name());
    if (s.curves() != null) {
        Table curves = s.curves().joinOn("run_id").inner(s.runs().selectColumns("run_id", "strategy", "lr_label"));
        List<String> lrs = Plots.sorted(s.runs(), "lr_label");
        for (String lr : lrs) ScriptOutput.figure(lossCurves(curves, lr, id + (lrs.size() > 1 ? "-lr" + Plots.slug(lr) : ""), s.name()));
        ScriptOutput.figure(clipFraction(curves, id, s.name()));
    }
    ScriptOutput.figure(finalLossHeatmap(s, id));
    ScriptOutput.figure(divergences(s, id));
}
Figure success = Plots.successVsLength(sweeps, "success-vs-length");
if (success != null) ScriptOutput.figure(success);
/exit
