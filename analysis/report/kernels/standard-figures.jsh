// The standard kernel figures of every report: time and GB/s against size per backend (log-log, the copy
// bandwidth of the same run as the roofline), the cost of each strategy at one size, thread scaling and
// the cost of a safe norm. Figures whose data the run did not measure are left out. The report runs this
// script over its inputs and puts the figures in its Kernels section; by hand, from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick -R-Dout=target/figures analysis/report/kernels/standard-figures.jsh
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

/** Median ns per call of global-norm against size, a line per backend. */
Figure timeVsSize(Table gn, String dtype) {
    Figure f = Figure.line("kernel-time-vs-size-" + dtype).title("global-norm clip, " + dtype + ": time per call")
            .axes("gradient elements", "ns per call (clip alone)").logX().logY()
            .caption("Median ns per call from JMH, one thread, of the clip alone: the restore of the in-place gradient is measured "
                    + "separately and subtracted below 1M elements, and runs untimed before each call from 1M on.");
    for (String backend : Plots.sorted(gn, "backend")) {
        Table b = gn.where(gn.stringColumn("backend").isEqualTo(backend)).sortOn("elements");
        f.add(backend, b.doubleColumn("elements").asDoubleArray(), b.doubleColumn("net_ns").asDoubleArray());
    }
    Plots.markUnsteady(f, gn, "elements", "net_ns");
    return f;
}

/** Effective GB/s of global-norm against size, with the same run's one-thread STREAM copy as the roofline. */
Figure bandwidthVsSize(Table gn, Table bandwidth, String dtype) {
    Figure f = Figure.line("kernel-bandwidth-vs-size-" + dtype).title("global-norm clip, " + dtype + ": effective bandwidth, with the copy roofline")
            .axes("gradient elements", "GB/s (bytes moved / net time)").logX().logY()
            .caption("Effective GB/s: the bytes a clip moves by the traffic model (3 passes: read for the norm, read and write to scale) "
                    + "divided by the net time (the clip alone). Dashed: STREAM copy measured in the same run (one thread).");
    for (String backend : Plots.sorted(gn, "backend")) {
        Table b = gn.where(gn.stringColumn("backend").isEqualTo(backend)).sortOn("elements");
        f.add(backend, b.doubleColumn("elements").asDoubleArray(), b.doubleColumn("eff_gbps").asDoubleArray());
    }
    Table copy = bandwidth.where(bandwidth.stringColumn("method").isEqualTo("copy").and(bandwidth.stringColumn("threads").isEqualTo("1")));
    if (copy.rowCount() > 0) {
        copy = Plots.withElements(copy).sortOn("elements");
        Table flat = copy.where(copy.stringColumn("data").startsWith("flat-"));
        if (flat.rowCount() >= 2) copy = flat; // parameter sets sit at their own sizes; flat sizes trace the cache levels
        f.add(new Figure.Series("copy (roofline)", copy.doubleColumn("elements").asDoubleArray(),
                copy.doubleColumn("gbps").asDoubleArray(), null, null, true));
    }
    Plots.markUnsteady(f, gn, "elements", "eff_gbps");
    return f;
}

/** Net time per strategy at the data set with the most strategies, a point and its interval per backend; null: fewer than 2. */
Figure strategyCost(Table base) {
    Table f64 = base.where(base.stringColumn("dtype").isEqualTo("f64"));
    if (f64.rowCount() == 0) f64 = base;
    Table perData = f64.countBy(f64.stringColumn("data"));
    if (perData.rowCount() == 0) return null;
    String data = perData.sortDescendingOn(perData.column(1).name()).column(0).getString(0);
    Table d = f64.where(f64.stringColumn("data").isEqualTo(data));
    List<String> strategies = Plots.sorted(d, "strategy");
    if (strategies.size() < 2) return null;
    Figure f = Figure.dots("strategy-cost-" + data, strategies).logY()
            .title("Cost of each strategy on " + data + " (" + d.stringColumn("dtype").get(0) + ", one thread)")
            .axes("strategy", "µs per call (clip alone)")
            .caption("Net time of one clipping call with the gradient in the clipping regime, per backend. Whiskers: the JMH 99.9% "
                    + "interval of the clip's score, combined in quadrature with the restore's where the restore is subtracted.");
    Table t = d.copy();
    t.addColumns(t.doubleColumn("net_ns").divide(1000).setName("us"),
            t.doubleColumn("net_ns").subtract(t.doubleColumn("net_error")).divide(1000).setName("us_lower"),
            t.doubleColumn("net_ns").add(t.doubleColumn("net_error")).divide(1000).setName("us_upper"));
    Plots.addMedianEstimates(f, t, "backend", "strategy", strategies, "us");
    Plots.markUnsteady(f, d, null, null);
    return f;
}

/**
 * Speed-up of 2 (or more) threads over 1 against size, per backend and dtype (global-norm, net time), with
 * the STREAM copy's own speed-up of the same run as the ceiling memory allows; null: no multi-thread rows.
 */
Figure threadScaling(Table clip, Table bandwidth) {
    Table gn = Plots.withElements(clip.where(clip.stringColumn("strategy").isEqualTo("global-norm")
            .and(clip.stringColumn("layout").isEqualTo("separate")).and(clip.stringColumn("regime").isEqualTo("always"))));
    Table multi = gn.where(gn.stringColumn("threads").isNotEqualTo("1"));
    if (multi.rowCount() == 0) return null;
    Table one = gn.where(gn.stringColumn("threads").isEqualTo("1")).selectColumns("backend", "dtype", "data", "net_ns", "steady");
    one.column("net_ns").setName("one_ns");
    one.column("steady").setName("one_steady");
    Table j = multi.joinOn("backend", "dtype", "data").inner(one);
    j.addColumns(j.doubleColumn("one_ns").divide(j.doubleColumn("net_ns")).setName("speedup"));
    Figure f = Figure.line("thread-scaling").title("global-norm clip: speed-up of 2 threads over 1, by size").logX()
            .axes("gradient elements", "time with 1 thread / time with 2 (net)")
            .caption("Above 1: two threads are faster. Dashed: the STREAM copy's own 2-thread speed-up in the same run, "
                    + "what memory allows. Java backends split ranges of 128K elements or more over a worker team; ND4J's "
                    + "OpenMP pool is pinned to the same count.");
    List<String> dtypes = Plots.sorted(j, "dtype");
    for (String backend : Plots.sorted(j, "backend")) {
        for (String dtype : dtypes) {
            Table b = j.where(j.stringColumn("backend").isEqualTo(backend).and(j.stringColumn("dtype").isEqualTo(dtype))).sortOn("elements");
            if (b.rowCount() < 2) continue; // a single size is no curve: it stays in the tables
            f.add(new Figure.Series(backend + (dtypes.size() > 1 ? " " + dtype : ""), b.doubleColumn("elements").asDoubleArray(),
                    b.doubleColumn("speedup").asDoubleArray(), null, null, false));
        }
    }
    Table copy = bandwidth.where(bandwidth.stringColumn("method").isEqualTo("copy"));
    Table c1 = copy.where(copy.stringColumn("threads").isEqualTo("1")).selectColumns("data", "gbps");
    c1.column("gbps").setName("gbps1");
    Table c2 = copy.where(copy.stringColumn("threads").isEqualTo("2")).joinOn("data").inner(c1);
    if (c2.rowCount() > 0) {
        c2 = Plots.withElements(c2);
        c2 = c2.where(c2.stringColumn("data").startsWith("flat-")).sortOn("elements");
        f.add(new Figure.Series("copy (roofline)", c2.doubleColumn("elements").asDoubleArray(),
                c2.doubleColumn("gbps").divide(c2.doubleColumn("gbps1")).asDoubleArray(), null, null, true));
    }
    // a multi-thread point is only as steady as the one-thread time it is divided by
    Table flagged = j.copy();
    for (int r = 0; r < flagged.rowCount(); r++) {
        String own = flagged.stringColumn("steady").get(r), single = flagged.stringColumn("one_steady").get(r);
        if (own.equals("yes") && !single.equals("yes") && !single.isEmpty()) flagged.stringColumn("steady").set(r, "1 thread: " + single);
    }
    Plots.markUnsteady(f, flagged, "elements", "speedup");
    return f;
}

/** Each safe norm's time over its baseline's, per backend, dtype and size (ordinary values), with the interval from both ends. */
Figure normOverhead(Table o) {
    o = o.where(o.doubleColumn("x_baseline").isNotMissing()); // refused ratios (column "refused" says why) are no findings
    Table ord = o.where(o.stringColumn("values").isEqualTo("ordinary"));
    if (ord.rowCount() == 0) ord = o;
    Table keyed = ord.copy();
    StringColumn key = StringColumn.create("case");
    for (int r = 0; r < keyed.rowCount(); r++) {
        key.append(keyed.stringColumn("backend").get(r) + " " + keyed.stringColumn("dtype").get(r) + " " + keyed.stringColumn("data").get(r));
    }
    keyed.addColumns(key);
    List<String> cases = Plots.sorted(keyed, "case");
    Figure f = Figure.dots("safe-norm-overhead", cases)
            .title("Cost of an overflow-safe L2 norm").axes("backend, dtype, size", "time / naive (or library) norm")
            .caption("1.0 = as fast as the plain sum of squares; ordinary values. Whiskers: from the ends of both 95% "
                    + "intervals (the norm's and its baseline's), so at least as wide as the ratio's own; ratios the report refused are not drawn.");
    Plots.addMedianEstimates(f, keyed.copy().addColumns(keyed.doubleColumn("x_lower").copy().setName("x_baseline_lower"),
            keyed.doubleColumn("x_upper").copy().setName("x_baseline_upper")), "kind", "case", cases, "x_baseline");
    Plots.markUnsteady(f, ord, null, null);
    return f;
}

KernelSummary.Tables t = ScriptOutput.kernels();
if (t != null && t.clipping().rowCount() > 0) {
    Table clip = t.clipping();
    // the clipping path, one thread, separate tensors: the configuration every backend runs
    Table base = clip.where(clip.stringColumn("threads").isEqualTo("1").and(clip.stringColumn("layout").isEqualTo("separate")));
    if (base.stringColumn("regime").contains("always")) base = base.where(base.stringColumn("regime").isEqualTo("always"));
    base = Plots.withElements(base);
    for (String dtype : Plots.sorted(base, "dtype")) {
        Table gn = base.where(base.stringColumn("strategy").isEqualTo("global-norm").and(base.stringColumn("dtype").isEqualTo(dtype)));
        // single tensors of growing size trace the cache levels; parameter sets (many tensors) are another axis
        Table flat = gn.where(gn.stringColumn("data").startsWith("flat-"));
        if (flat.stringColumn("data").unique().size() >= 2) gn = flat;
        if (gn.stringColumn("data").unique().size() < 2) continue;
        ScriptOutput.figure(timeVsSize(gn, dtype));
        ScriptOutput.figure(bandwidthVsSize(gn, t.bandwidth(), dtype));
    }
    Figure cost = strategyCost(base);
    if (cost != null) ScriptOutput.figure(cost);
    Figure scaling = threadScaling(clip, t.bandwidth());
    if (scaling != null) ScriptOutput.figure(scaling);
}
if (t != null && t.normOverhead().rowCount() > 0) ScriptOutput.figure(normOverhead(t.normOverhead()));
/exit
