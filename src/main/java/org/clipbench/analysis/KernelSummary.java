package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.DType;
import org.clipbench.params.ParamShapes;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Kernel tables from JMH results: the bandwidth reference, norms (with the cost of safety) and
 * clipping (with the restore each call includes, and what is left after it). GB/s counts each gradient
 * byte once per call (elements x dtype size / time); "% copy" divides that by the STREAM copy
 * bandwidth at the same data size and threads measured in the same run, so a read-only kernel
 * streaming at full memory speed shows about 100%.
 */
public final class KernelSummary {
    private KernelSummary() {
    }

    /** The tables, each possibly empty. */
    public record Tables(Table bandwidth, Table norms, Table normOverhead, Table clipping, Table dp, Table trainingSteps) {
    }

    public static Tables build(Table jmh) {
        Table t = withDerived(jmh);
        Table bw = t.where(t.stringColumn("benchmark").isEqualTo("BandwidthBenchmark"));
        // GB/s of a copy hardly depends on the element type, so one dtype serves both
        Table copy = bw.where(bw.stringColumn("method").isEqualTo("copy"))
                .selectColumns("data", "threads", "gbps");
        copy.column("gbps").setName("copy_gbps");

        Table bandwidth = bw.selectColumns("data", "dtype", "threads", "method", "gbps");
        bandwidth = bandwidth.sortOn("dtype", "threads", "method");

        Table norms = t.where(t.stringColumn("benchmark").isEqualTo("NormBenchmark"));
        norms = joinCopy(norms, copy).selectColumns("backend", "dtype", "data", "kind", "values", "threads", "score", "error",
                "gbps", "pct_copy");
        norms.column("score").setName("ns_op");
        norms = norms.sortOn("data", "dtype", "backend", "values", "kind");

        Table clipping = t.where(t.stringColumn("benchmark").isEqualTo("ClipBenchmark"));
        Table restore = t.where(t.stringColumn("benchmark").isEqualTo("RestoreBenchmark"))
                .selectColumns("backend", "dtype", "data", "layout", "threads", "score");
        restore.column("score").setName("restore_ns");
        if (clipping.rowCount() > 0) {
            clipping = clipping.joinOn("backend", "dtype", "data", "layout", "threads").leftOuter(restore);
            DoubleColumn net = clipping.doubleColumn("score").subtract(clipping.doubleColumn("restore_ns")).setName("net_ns");
            clipping.addColumns(net);
            clipping = joinCopy(clipping, copy).selectColumns("strategy", "backend", "dtype", "data", "layout", "regime",
                    "threads", "score", "error", "median", "restore_ns", "net_ns", "gbps", "pct_copy", "alloc_b_op");
            clipping = withSpeedupOverArrays(clipping);
            if (clipping.doubleColumn("alloc_b_op").isMissing().size() == clipping.rowCount()) {
                clipping.removeColumns("alloc_b_op"); // measured only with -prof gc (full profile)
            }
            clipping.column("score").setName("ns_op");
            clipping = clipping.sortOn("data", "strategy", "dtype", "backend", "layout", "threads", "regime");
        }
        Table dp = t.where(t.stringColumn("benchmark").isEqualTo("DpClipBenchmark"));
        if (dp.rowCount() > 0) {
            dp = dp.selectColumns("strategy", "backend", "dtype", "data", "batch", "regime", "score", "error", "gbps");
            dp.column("score").setName("ns_op");
        }
        Table steps = t.where(t.stringColumn("benchmark").isEqualTo("TrainingStepBenchmark"));
        if (steps.rowCount() > 0) {
            steps = steps.selectColumns("model", "backend", "dtype", "strategy", "score", "error", "unit");
            DoubleColumn perSecond = DoubleColumn.create("steps_per_s");
            for (int r = 0; r < steps.rowCount(); r++) {
                double scale = switch (steps.stringColumn("unit").get(r)) {
                    case "us/op" -> 1e6;
                    case "ms/op" -> 1e3;
                    case "ns/op" -> 1e9;
                    default -> Double.NaN;
                };
                perSecond.append(scale / steps.doubleColumn("score").get(r));
            }
            steps.addColumns(perSecond);
            steps = steps.sortOn("model", "backend", "dtype", "strategy");
        }
        return new Tables(bandwidth, norms, overhead(norms), clipping, dp, steps);
    }

    /** x_arrays: the arrays backend's net time over this row's, same strategy, dtype, data, layout, regime and threads. */
    static Table withSpeedupOverArrays(Table clipping) {
        Table arrays = clipping.where(clipping.stringColumn("backend").isEqualTo("arrays"))
                .selectColumns("strategy", "dtype", "data", "layout", "regime", "threads", "net_ns");
        arrays.column("net_ns").setName("arrays_net_ns");
        Table j = clipping.joinOn("strategy", "dtype", "data", "layout", "regime", "threads").leftOuter(arrays);
        j.addColumns(j.doubleColumn("arrays_net_ns").divide(j.doubleColumn("net_ns")).setName("x_arrays"));
        j.removeColumns("arrays_net_ns");
        return j;
    }

    /** Time of each safe kind relative to the naive (or library) norm of the same backend, data and size. */
    static Table overhead(Table norms) {
        if (norms.rowCount() == 0) return norms;
        Table base = norms.where(norms.stringColumn("kind").isIn("naive"));
        Table lib = norms.where(norms.stringColumn("kind").isIn("library"));
        // backends measured without "naive" (EJML, Commons Math, ND4J in the quick profile) compare to their library norm
        Table libOnly = lib.where(lib.stringColumn("backend").isNotIn(base.stringColumn("backend").unique().asList()));
        base = base.append(libOnly).selectColumns("backend", "dtype", "data", "values", "threads", "ns_op");
        base.column("ns_op").setName("baseline_ns");
        Table j = norms.where(norms.stringColumn("kind").isIn("safe", "fast-safe"))
                .joinOn("backend", "dtype", "data", "values", "threads").inner(base);
        DoubleColumn ratio = j.doubleColumn("ns_op").divide(j.doubleColumn("baseline_ns")).setName("x_baseline");
        j.addColumns(ratio);
        return j.selectColumns("backend", "dtype", "data", "values", "kind", "ns_op", "baseline_ns", "x_baseline")
                .sortOn("data", "dtype", "backend", "values", "kind");
    }

    private static Table joinCopy(Table t, Table copy) {
        if (t.rowCount() == 0) {
            t.addColumns(DoubleColumn.create("pct_copy"));
            return t;
        }
        Table j = t.joinOn("data", "threads").leftOuter(copy);
        j.addColumns(j.doubleColumn("gbps").divide(j.doubleColumn("copy_gbps")).multiply(100).setName("pct_copy"));
        return j;
    }

    /** Adds data (the size or parameter set), values (ordinary/huge), elements and gbps. */
    static Table withDerived(Table jmh) {
        Table t = jmh.copy();
        for (String c : List.of("params", "size", "backend", "dtype", "threads", "layout", "strategy", "regime", "kind",
                "data", "batch", "method", "model")) {
            if (!t.columnNames().contains(c)) t.addColumns(StringColumn.create(c, t.rowCount()));
        }
        // NormBenchmark calls its ordinary/huge switch "data"; the summary uses "data" for the data set
        t.column("data").setName("values");
        StringColumn data = StringColumn.create("data");
        DoubleColumn gbps = DoubleColumn.create("gbps");
        for (int r = 0; r < t.rowCount(); r++) {
            String set = t.stringColumn("params").get(r).isEmpty() ? t.stringColumn("size").get(r) : t.stringColumn("params").get(r);
            data.append(set);
            gbps.append(gbps(t, r, set));
        }
        t.addColumns(data, gbps);
        return t;
    }

    private static double gbps(Table t, int r, String set) {
        if (set.isEmpty() || !t.stringColumn("unit").get(r).equals("ns/op")) return Double.NaN;
        double elements;
        try {
            elements = ParamShapes.get(set).totalSize();
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
        String dtype = t.stringColumn("dtype").get(r);
        double bytes = elements * (dtype.isEmpty() ? 8 : DType.parse(dtype).bytes());
        String bench = t.stringColumn("benchmark").get(r);
        if (bench.equals("BandwidthBenchmark")) bytes *= t.stringColumn("method").get(r).equals("triad") ? 3 : 2;
        if (bench.equals("DpClipBenchmark")) bytes *= Double.parseDouble(t.stringColumn("batch").get(r));
        return bytes / t.doubleColumn("score").get(r); // bytes per ns = GB/s
    }

    /** The whole summary as Markdown sections. */
    public static String markdown(Tables s) {
        List<String> parts = new ArrayList<>();
        if (s.bandwidth().rowCount() > 0) {
            parts.add("### Memory bandwidth reference (GB/s, STREAM convention)\n\n"
                    + Markdown.table(pivotBandwidth(s.bandwidth())));
        }
        if (s.norms().rowCount() > 0) parts.add("### L2 norms\n\n" + Markdown.table(s.norms()));
        if (s.normOverhead().rowCount() > 0) {
            parts.add("### Cost of a safe norm (time relative to the naive or library norm)\n\n" + Markdown.table(s.normOverhead()));
        }
        if (s.clipping().rowCount() > 0) {
            parts.add("### Clipping (one call, in place; ns_op includes the restore, net_ns does not)\n\n" + Markdown.table(s.clipping()));
        }
        if (s.dp().rowCount() > 0) parts.add("### DP-SGD per-example clipping (one batch)\n\n" + Markdown.table(s.dp()));
        if (s.trainingSteps().rowCount() > 0) {
            parts.add("### One training step (forward, backward, clip, SGD update)\n\n" + Markdown.table(s.trainingSteps()));
        }
        return String.join("\n", parts);
    }

    static Table pivotBandwidth(Table bw) {
        Table keyed = bw.copy();
        StringColumn key = StringColumn.create("size dtype threads");
        for (int r = 0; r < keyed.rowCount(); r++) {
            key.append(keyed.stringColumn("data").get(r) + " " + keyed.stringColumn("dtype").get(r) + " t"
                    + keyed.stringColumn("threads").get(r));
        }
        keyed.addColumns(key);
        return keyed.pivot(key, keyed.stringColumn("method"), keyed.doubleColumn("gbps"), AggregateFunctions.mean);
    }
}
