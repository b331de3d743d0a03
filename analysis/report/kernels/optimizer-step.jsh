// What clipping costs inside an optimizer step (OptimizerStepBenchmark): per optimizer, backend, dtype and
// data set, the step with each clip, separate (the clip rewrites the gradient, then the step) or fused (the
// clip's factor or clamp applied as the step reads the gradient), as overhead over the step without a clip,
// next to the traffic model's prediction: extra passes over the gradient / the step's own passes. The step
// reads the gradient and its state and writes the state (SGD 3 passes, momentum 5, Adam 7); a separate clip
// adds its own traffic (global-norm: a norm read, then a read and a write to scale = 3; value: a read and a
// write = 2); folded into the step, each read-and-write pass of the clip disappears (global-norm: 1 left, the
// norm read; value: 0). A pass of the step and a lone read pass do not cost the same (the step streams four
// or five arrays at once, a norm one), so a second prediction prices the clip's extra passes at the read
// bandwidth measured in the same run (BandwidthBenchmark.read, same data set and threads): that is what one
// read pass over this gradient costs here. By hand, from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick -R-Dout=target/figures analysis/report/kernels/optimizer-step.jsh
import java.util.*;
import org.clipbench.analysis.*;
import org.clipbench.optim.OptimizerStep;
import org.clipbench.params.ParamShapes;
import org.clipbench.strategy.*;
import tech.tablesaw.api.*;

// the model's extra passes per call: OptimizerStepBenchmark.extraPasses (in the benchmark's regime of each strategy)

Table jmh = ScriptOutput.jmh();
if (jmh != null && jmh.stringColumn("benchmark").contains("OptimizerStepBenchmark")) {
    Table steps = jmh.where(jmh.stringColumn("benchmark").isEqualTo("OptimizerStepBenchmark"));
    // results from before the threads parameter ran on one thread
    StringColumn threadsOf = StringColumn.create("threads_of");
    for (Row r : steps) threadsOf.append(steps.columnNames().contains("threads") && !r.getString("threads").isEmpty() ? r.getString("threads") : "1");
    steps.addColumns(threadsOf);
    Table out = Table.create("Clipping inside the optimizer step", StringColumn.create("optimizer"), StringColumn.create("backend"),
            StringColumn.create("dtype"), StringColumn.create("data"), StringColumn.create("threads"), StringColumn.create("strategy"), StringColumn.create("fusion"),
            DoubleColumn.create("step_ms"), DoubleColumn.create("step_without_clip_ms"), DoubleColumn.create("overhead_pct"), StringColumn.create("overhead_95pct_interval"),
            DoubleColumn.create("overhead_lower_pct"), DoubleColumn.create("overhead_upper_pct"),
            DoubleColumn.create("model_overhead_pct"), DoubleColumn.create("measured_over_model"),
            DoubleColumn.create("read_pass_ms"), DoubleColumn.create("read_model_overhead_pct"), DoubleColumn.create("measured_over_read_model"));
    // GB/s of a read pass per data set and threads, from the bandwidth reference of the same run
    Map<String, Double> readGbps = new HashMap<>();
    KernelSummary.Tables kernels = ScriptOutput.kernels();
    if (kernels != null) {
        Table bw = kernels.bandwidth();
        for (Row r : bw) if (r.getString("method").equals("read") || r.getString("method").equals("readFresh")) readGbps.merge(r.getString("data") + "|" + r.getString("threads"), r.getDouble("gbps"), Math::max);
    }
    Set<String> groups = new TreeSet<>();
    for (Row r : steps) groups.add(String.join("|", r.getString("optimizer"), r.getString("backend"), r.getString("dtype"), r.getString("data"),
            r.getString("threads_of")));
    for (String g : groups) {
        String[] k = g.split("\\|");
        Table grp = steps.where(steps.stringColumn("optimizer").isEqualTo(k[0]).and(steps.stringColumn("backend").isEqualTo(k[1]))
                .and(steps.stringColumn("dtype").isEqualTo(k[2])).and(steps.stringColumn("data").isEqualTo(k[3]))
                .and(steps.stringColumn("threads_of").isEqualTo(k[4])));
        Table none = grp.where(grp.stringColumn("strategy").isEqualTo("none"));
        if (none.rowCount() == 0) continue;
        // medians: one slow iteration (a GC) must not move a step time; the interval is JMH's, from every iteration
        double base = none.doubleColumn("median").get(0);
        Derived.Time without = Derived.Time.of(none, 0, "median", "error", "samples", "steady");
        double stepPasses = OptimizerStep.stepPasses(OptimizerStep.Rule.named(k[0]));
        for (int i = 0; i < grp.rowCount(); i++) {
            Row r = grp.row(i);
            if (r.getString("strategy").equals("none")) continue;
            // the model is that of ClipBench's one-pass step; PyTorch's foreach steps make passes of their own, so no model for them
            double t = r.getDouble("median"), model = JmhResults.isPeer(k[1], "pytorch") ? Double.NaN
                    : org.clipbench.bench.OptimizerStepBenchmark.extraPasses(r.getString("strategy"), r.getString("fusion")) / stepPasses;
            out.stringColumn("optimizer").append(k[0]);
            out.stringColumn("backend").append(k[1]);
            out.stringColumn("dtype").append(k[2]);
            out.stringColumn("data").append(k[3]);
            out.stringColumn("threads").append(k[4]);
            out.stringColumn("strategy").append(r.getString("strategy"));
            out.stringColumn("fusion").append(r.getString("fusion"));
            out.doubleColumn("step_ms").append(t / 1e6);
            out.doubleColumn("step_without_clip_ms").append(base / 1e6);
            // shown only with a bounded interval from both times' JMH errors, both steady, and not faster than no clip beyond
            // noise (issue 29: a PyTorch step 'without clip' of 1.3 s against 22 ms with it read as -98%)
            Derived overhead = Derived.overheadPercent(Derived.Time.of(grp, i, "median", "error", "samples", "steady"), without);
            out.doubleColumn("overhead_pct").append(overhead.shown() ? 100 * (t / base - 1) : Double.NaN);
            out.stringColumn("overhead_95pct_interval").append(overhead.shown() ? String.format(Locale.ROOT, "[%.1f, %.1f]", overhead.lower(), overhead.upper())
                    : "— (" + overhead.refusal() + ")");
            out.doubleColumn("overhead_lower_pct").append(overhead.shown() ? overhead.lower() : Double.NaN);
            out.doubleColumn("overhead_upper_pct").append(overhead.shown() ? overhead.upper() : Double.NaN);
            out.doubleColumn("model_overhead_pct").append(100 * model);
            out.doubleColumn("measured_over_model").append(model == 0 || Double.isNaN(model) || !overhead.shown() ? Double.NaN : (t / base - 1) / model);
            // one read pass over this gradient at the measured read bandwidth: elements x bytes / (GB/s) = ns
            Double gbps = readGbps.get(k[3] + "|" + k[4]);
            double readNs = gbps == null || !(gbps > 0) ? Double.NaN
                    : ParamShapes.get(k[3]).totalSize() * (k[2].equals("f32") ? 4.0 : 8.0) / gbps;
            double readModel = JmhResults.isPeer(k[1], "pytorch") ? Double.NaN
                    : org.clipbench.bench.OptimizerStepBenchmark.extraPasses(r.getString("strategy"), r.getString("fusion")) * readNs / base;
            out.doubleColumn("read_pass_ms").append(readNs / 1e6);
            out.doubleColumn("read_model_overhead_pct").append(100 * readModel);
            out.doubleColumn("measured_over_read_model").append(readModel == 0 || Double.isNaN(readModel) || !overhead.shown() ? Double.NaN : (t / base - 1) / readModel);
        }
    }
    out = out.sortOn("optimizer", "backend", "dtype", "data", "threads", "strategy", "fusion");
    if (out.rowCount() > 0) {
        ScriptOutput.table(out.name(), out);
        // one figure per data set and dtype: measured overhead and the model's, per optimizer, clip and fusion
        for (String g : new TreeSet<>(out.stringColumn("data").asList())) {
            Table d = out.where(out.stringColumn("data").isEqualTo(g).and(out.doubleColumn("overhead_pct").isNotMissing())); // refused rows are not findings
            if (d.rowCount() == 0) continue;
            List<String> cats = new ArrayList<>();
            double[] measured = new double[d.rowCount()], model = new double[d.rowCount()], readModel = new double[d.rowCount()];
            double[] measuredLow = new double[d.rowCount()], measuredHigh = new double[d.rowCount()];
            for (int i = 0; i < d.rowCount(); i++) {
                cats.add(d.getString(i, "optimizer") + " " + d.getString(i, "backend") + " " + d.getString(i, "dtype") + " "
                        + (d.getString(i, "threads").equals("1") ? "" : d.getString(i, "threads") + " threads ")
                        + d.getString(i, "strategy") + " " + d.getString(i, "fusion"));
                measured[i] = d.doubleColumn("overhead_pct").getDouble(i);
                measuredLow[i] = d.doubleColumn("overhead_lower_pct").getDouble(i);
                measuredHigh[i] = d.doubleColumn("overhead_upper_pct").getDouble(i);
                model[i] = d.doubleColumn("model_overhead_pct").getDouble(i);
                readModel[i] = d.doubleColumn("read_model_overhead_pct").getDouble(i);
            }
            ScriptOutput.figure(Figure.dots("optimizer-step-overhead-" + Plots.slug(g), cats)
                    .title(g + ": clip cost in the optimizer step")
                    .axes("optimizer, backend, dtype, clip, fusion", "% of the step without clipping")
                    .estimates("measured", measured, measuredLow, measuredHigh).estimates("traffic model", model, model, model)
                    .estimates("read passes at measured bandwidth", readModel, readModel, readModel)
                    .caption("Measured (black, with its 95% interval): median step time with the clip over the step without it, minus 1; rows refused in the table "
                            + "(a time not steady, an interval unbounded or wider than 2x, or faster than no clip beyond noise) are left out. Traffic model: the clip's extra "
                            + "passes over the gradient divided by the step's own passes (SGD 3, Adam 7) (grey). Read passes (orange): the clip's extra passes "
                            + "priced at the read bandwidth measured in the same run (BandwidthBenchmark.read, or readFresh where the run has only that), over the step's time."));
        }
    }
}
/exit
