package org.clipbench.analysis;

import org.clipbench.bench.Benchmarks;
import org.clipbench.io.Markdown;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.backend.DType;
import org.clipbench.strategy.Regime;
import org.clipbench.strategy.MemoryTraffic;
import org.clipbench.strategy.Strategies;
import org.clipbench.params.ParamShapes;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Kernel tables from JMH results: the bandwidth reference, norms (with the cost of safety) and
 * clipping (the clip alone: restore subtracted on small data, untimed on large). Efficiency comes from a
 * traffic model: each rule states the passes over memory a call makes ({@link MemoryTraffic}), so a
 * call moves passes x elements x dtype bytes. {@code eff_gbps} divides those bytes by the time the row
 * reports for the call (the net time of a clip); {@code achievable_ns} is the memory limit of the
 * call's passes ({@link MemoryLimit}: read and in-place passes at the rates of the same data size, dtype
 * and thread count from the same run), and {@code pct_achievable} = achievable_ns / net_ns: 100% is a
 * kernel at the memory limit; a row above it by more than 5% carries a flag saying why.
 */
public final class KernelSummary {
    private KernelSummary() {
    }

    /** The tables, each possibly empty. */
    public record Tables(Table bandwidth, Table norms, Table normOverhead, Table clipping, Table dp, Table trainingSteps) {
    }

    public static Tables build(Table jmh) {
        // every figure here (ns/op, GB/s, overhead, speed-up) is derived from a time per call: a throughput score read
        // as one was 1e8 GB/s
        for (int r = 0; r < jmh.rowCount(); r++) {
            if (!jmh.stringColumn("mode").get(r).equals("avgt")) {
                throw new IllegalArgumentException(jmh.stringColumn("benchmark").get(r) + "." + jmh.stringColumn("method").get(r) + " was measured in JMH mode '"
                        + jmh.stringColumn("mode").get(r) + "'; the report reads average time per call (avgt): rerun without -bm");
            }
        }
        Table t = withDerived(jmh);
        Table bw = t.where(t.stringColumn("benchmark").isEqualTo(Benchmarks.BANDWIDTH));
        MemoryLimit limit = MemoryLimit.of(bw);

        Table bandwidth = bw.selectColumns("data", "dtype", "threads", "method", "gbps", "best_gbps");
        bandwidth = bandwidth.sortOn("dtype", "threads", "method");

        Table norms = t.where(t.stringColumn("benchmark").isEqualTo(Benchmarks.NORM));
        norms = withTraffic(norms, "score", r -> new MemoryTraffic(1, 0, 0)); // a norm reads the data once
        norms = withFlags(withLimit(norms, limit), "score", limit).selectColumns("backend", "dtype", "data", "kind", "values", "threads", "score",
                "error", "samples", "passes", "eff_gbps", "achievable_ns", "pct_achievable", "limit", "steady", "flag");
        norms.column("score").setName("ns_op");
        norms = norms.sortOn("data", "dtype", "backend", "values", "kind");

        Table clipping = t.where(t.stringColumn("benchmark").isEqualTo(Benchmarks.CLIP));
        Table restore = t.where(t.stringColumn("benchmark").isEqualTo(Benchmarks.RESTORE))
                .selectColumns("backend", "dtype", "data", "layout", "threads", "score", "error", "steady");
        restore.column("score").setName("restore_ns");
        restore.column("error").setName("restore_error");
        restore.column("steady").setName("restore_steady");
        if (clipping.rowCount() > 0) {
            clipping = clipping.joinOn("backend", "dtype", "data", "layout", "threads").leftOuter(restore);
            clipping.addColumns(netTime(clipping));
            clipping.addColumns(netError(clipping));
            clipping = withRestoreSteadiness(clipping);
            Table c = clipping;
            clipping = withTraffic(clipping, "net_ns", r -> traffic(c.stringColumn("strategy").get(r), c.stringColumn("regime").get(r)));
            clipping = withFlags(withLimit(clipping, limit), "net_ns", limit).selectColumns("strategy", "backend", "dtype", "data", "layout", "regime",
                    "threads", "score", "error", "median", "samples", "restore_ns", "restore", "net_ns", "net_error", "passes", "eff_gbps", "achievable_ns",
                    "pct_achievable", "limit", "alloc_b_op", "compile_ms", "steady", "fork_cv", "iter_cv", "flag");
            clipping = withSpeedupOverArrays(clipping);
            if (clipping.doubleColumn("alloc_b_op").isMissing().size() == clipping.rowCount()) {
                clipping.removeColumns("alloc_b_op"); // measured only with -prof gc (full profile)
            }
            if (clipping.doubleColumn("compile_ms").isMissing().size() == clipping.rowCount()) {
                clipping.removeColumns("compile_ms"); // the JAX peer's jit compile time, timed apart from its calls
            }
            clipping.column("score").setName("ns_op");
            clipping = clipping.sortOn("data", "strategy", "dtype", "backend", "layout", "threads", "regime");
        }
        Table dp = t.where(t.stringColumn("benchmark").isEqualTo(Benchmarks.DP_CLIP));
        if (dp.rowCount() > 0) {
            Table d = dp;
            dp = withTraffic(dp, "score", r -> times(traffic(d.stringColumn("strategy").get(r), d.stringColumn("regime").get(r)),
                    Double.parseDouble(d.stringColumn("batch").get(r))));
            dp = dp.selectColumns("strategy", "backend", "dtype", "data", "batch", "regime", "score", "error", "passes", "eff_gbps", "steady");
            dp.column("score").setName("ns_op");
        }
        Table steps = t.where(t.stringColumn("benchmark").isEqualTo(Benchmarks.TRAINING_STEP));
        if (steps.rowCount() > 0) {
            steps = steps.selectColumns("model", "backend", "dtype", "strategy", "score", "error", "unit", "steady", "fork_cv", "iter_cv");
            DoubleColumn perSecond = DoubleColumn.create("steps_per_s");
            for (int r = 0; r < steps.rowCount(); r++) {
                double scale = switch (steps.stringColumn("unit").get(r)) {
                    case "us/op" -> 1e6;
                    case "ms/op" -> 1e3;
                    case "ns/op" -> 1e9;
                    default -> Double.NaN;
                };
                perSecond.append(scale / steps.doubleColumn("score").getDouble(r));
            }
            steps.addColumns(perSecond);
            steps = steps.sortOn("model", "backend", "dtype", "strategy");
        }
        return new Tables(bandwidth, norms, overhead(norms), clipping, dp, steps);
    }

    /**
     * The report's first lines: this machine, the default kernel (global-norm, vector backend, separate tensors, always
     * clipping, the default safe norm) against PyTorch in the same run per data set, dtype and threads, each speed-up with its 95% interval or
     * refused with the reason ({@link Derived}), and how many results were at steady state. Empty without PyTorch rows.
     */
    public static String headline(Tables t, String machine) {
        Table c = t.clipping();
        StringBuilder md = new StringBuilder("## Headline\n\n");
        md.append("**Machine**: ").append(machine == null || machine.isBlank() ? "not recorded" : machine).append(".\n\n");
        int steady = 0, all = 0;
        for (Table x : List.of(t.clipping(), t.norms(), t.bandwidth(), t.dp())) {
            if (!x.columnNames().contains("steady")) continue;
            all += x.rowCount();
            steady += x.stringColumn("steady").isEqualTo("yes").size();
        }
        md.append("**Steady state**: ").append(steady).append(" of ").append(all).append(" kernel results were at steady state when measured.\n\n");
        String torch = c.rowCount() == 0 ? null
                : c.stringColumn("backend").unique().asList().stream().filter(b -> JmhResults.isPeer(b, "pytorch")).sorted().reduce((a, b) -> b).orElse(null);
        if (torch == null) return md.toString();
        Table gn = c.where(c.stringColumn("strategy").isEqualTo("global-norm").and(c.stringColumn("regime").isEqualTo("always"))
                .and(c.stringColumn("layout").isEqualTo("separate")));
        String name = torch.replace("pytorch", "PyTorch"); // "PyTorch 2.13.0"; results of older versions name no version
        md.append("**The default kernel against PyTorch** (global-norm, vector backend, separate tensors; ").append(name)
                .append("'s `clip_grad_norm_` in the same run; PyTorch's time over ours, 95% interval; refused cells say why):\n\n"
                        + "| data | dtype | threads | vector | ").append(name).append(" | speed-up |\n| --- | --- | ---: | ---: | ---: | --- |\n");
        // by dtype, threads, then size (small to large), as a reader scans a ladder
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < gn.rowCount(); r++) if (gn.stringColumn("backend").get(r).equals("vector")) rows.add(r);
        rows.sort(java.util.Comparator.<Integer, String>comparing(r -> gn.stringColumn("dtype").get(r)).thenComparing(r -> gn.stringColumn("threads").get(r))
                .thenComparingDouble(r -> elementsOf(gn.stringColumn("data").get(r))).thenComparing(r -> gn.stringColumn("data").get(r)));
        for (int r : rows) {
            String data = gn.stringColumn("data").get(r), dtype = gn.stringColumn("dtype").get(r), threads = gn.stringColumn("threads").get(r);
            Table p = gn.where(gn.stringColumn("backend").isEqualTo(torch).and(gn.stringColumn("data").isEqualTo(data))
                    .and(gn.stringColumn("dtype").isEqualTo(dtype)).and(gn.stringColumn("threads").isEqualTo(threads)));
            if (p.rowCount() == 0) continue;
            Derived x = Derived.ratio(Derived.Time.of(p, 0, "net_ns", "net_error", "samples", "steady"),
                    Derived.Time.of(gn, r, "net_ns", "net_error", "samples", "steady"));
            md.append("| ").append(data).append(" | ").append(dtype).append(" | ").append(threads).append(" | ")
                    .append(Markdown.time(gn.doubleColumn("net_ns").getDouble(r))).append(" | ")
                    .append(Markdown.time(p.doubleColumn("net_ns").getDouble(0))).append(" | ").append(x.cell("%.2fx")).append(" |\n");
        }
        return md.append('\n').toString();
    }

    /** x_arrays: the arrays backend's net time over this row's, same strategy, dtype, data, layout, regime and threads. */
    static Table withSpeedupOverArrays(Table clipping) {
        Table arrays = clipping.where(clipping.stringColumn("backend").isEqualTo("arrays"))
                .selectColumns("strategy", "dtype", "data", "layout", "regime", "threads", "net_ns", "net_error", "samples", "steady");
        arrays.column("net_ns").setName("arrays_net_ns");
        arrays.column("net_error").setName("arrays_net_error");
        arrays.column("samples").setName("arrays_samples");
        arrays.column("steady").setName("arrays_steady");
        Table j = clipping.joinOn("strategy", "dtype", "data", "layout", "regime", "threads").leftOuter(arrays);
        DoubleColumn x = DoubleColumn.create("x_arrays"), lo = DoubleColumn.create("x_arrays_lower"), hi = DoubleColumn.create("x_arrays_upper");
        for (int r = 0; r < j.rowCount(); r++) {
            if (j.doubleColumn("arrays_net_ns").isMissing(r)) {
                x.appendMissing();
                lo.appendMissing();
                hi.appendMissing();
                continue;
            }
            // the arrays backend's net time over this row's: shown only when Derived vouches for it (both positive, steady, a narrow interval)
            Derived d = Derived.ratio(Derived.Time.of(j, r, "arrays_net_ns", "arrays_net_error", "arrays_samples", "arrays_steady"),
                    Derived.Time.of(j, r, "net_ns", "net_error", "samples", "steady"));
            x.append(d.value());
            lo.append(d.shown() ? d.lower() : Double.NaN);
            hi.append(d.shown() ? d.upper() : Double.NaN);
        }
        j.addColumns(x, lo, hi);
        j.removeColumns("arrays_net_ns", "arrays_net_error", "arrays_samples", "arrays_steady");
        return j;
    }

    /**
     * Time of each safe kind relative to the naive (or library) norm of the same backend, data and size, with its 95%
     * interval; refused (empty, the reason in "refused") when Derived will not vouch for it.
     */
    static Table overhead(Table norms) {
        if (norms.rowCount() == 0) return norms;
        Table base = norms.where(norms.stringColumn("kind").isIn("naive"));
        Table lib = norms.where(norms.stringColumn("kind").isIn("library"));
        // backends measured without "naive" (EJML, Commons Math, ND4J in the quick profile) compare to their library norm
        Table libOnly = lib.where(lib.stringColumn("backend").isNotIn(base.stringColumn("backend").unique().asList()));
        base = base.append(libOnly).selectColumns("backend", "dtype", "data", "values", "threads", "ns_op", "error", "samples", "steady");
        base.column("ns_op").setName("baseline_ns");
        base.column("error").setName("baseline_error");
        base.column("samples").setName("baseline_samples");
        base.column("steady").setName("baseline_steady");
        Table j = norms.where(norms.stringColumn("kind").isIn("safe", "fast-safe"))
                .joinOn("backend", "dtype", "data", "values", "threads").inner(base);
        DoubleColumn x = DoubleColumn.create("x_baseline"), lo = DoubleColumn.create("x_lower"), hi = DoubleColumn.create("x_upper");
        StringColumn refused = StringColumn.create("refused");
        for (int r = 0; r < j.rowCount(); r++) {
            Derived d = Derived.ratio(Derived.Time.of(j, r, "ns_op", "error", "samples", "steady"),
                    Derived.Time.of(j, r, "baseline_ns", "baseline_error", "baseline_samples", "baseline_steady"));
            x.append(d.value());
            lo.append(d.shown() ? d.lower() : Double.NaN);
            hi.append(d.shown() ? d.upper() : Double.NaN);
            refused.append(d.shown() ? "" : d.refusal());
        }
        j.addColumns(x, lo, hi, refused);
        return j.selectColumns("backend", "dtype", "data", "values", "kind", "ns_op", "baseline_ns", "x_baseline", "x_lower", "x_upper", "refused", "steady")
                .sortOn("data", "dtype", "backend", "values", "kind");
    }

    /**
     * The time of the clip alone: the score itself where the restore ran untimed (method clipFresh,
     * large data), else the score minus the restore measured alone. Adds the column "restore" saying which.
     */
    private static DoubleColumn netTime(Table clipping) {
        DoubleColumn net = DoubleColumn.create("net_ns");
        StringColumn how = StringColumn.create("restore");
        for (int r = 0; r < clipping.rowCount(); r++) {
            boolean untimed = clipping.stringColumn("method").get(r).equals("clipFresh");
            double score = clipping.doubleColumn("score").getDouble(r);
            net.append(untimed ? score : score - clipping.doubleColumn("restore_ns").getDouble(r));
            how.append(untimed ? "untimed" : "subtracted");
        }
        clipping.addColumns(how);
        return net;
    }

    /**
     * Half-width of the net time's interval: the clip's JMH error (99.9%) alone where the restore ran untimed,
     * else both errors added in quadrature (two independent estimates, the clip's and the restore's).
     */
    private static DoubleColumn netError(Table clipping) {
        DoubleColumn err = DoubleColumn.create("net_error");
        for (int r = 0; r < clipping.rowCount(); r++) {
            double own = clipping.doubleColumn("error").getDouble(r);
            boolean untimed = clipping.stringColumn("restore").get(r).equals("untimed");
            err.append(untimed ? own : Math.hypot(own, clipping.doubleColumn("restore_error").getDouble(r)));
        }
        return err;
    }

    /** A net time is only as steady as both of its terms: a clip row takes its restore's flag too. */
    private static Table withRestoreSteadiness(Table clipping) {
        StringColumn steady = StringColumn.create("steady_both");
        for (int r = 0; r < clipping.rowCount(); r++) {
            String own = clipping.stringColumn("steady").get(r), restore = clipping.stringColumn("restore_steady").get(r);
            boolean restoreOk = restore == null || restore.isEmpty() || restore.equals("yes")
                    || clipping.stringColumn("restore").get(r).equals("untimed"); // then the restore is no term
            steady.append(restoreOk ? own : own.equals("yes") ? "restore: " + restore : own + "; restore: " + restore);
        }
        Table out = clipping.copy();
        out.removeColumns("steady", "restore_steady");
        out.addColumns(steady.setName("steady"));
        return out;
    }

    /** How many rows of the tables are not at steady state, and which (for the summary's first lines). */
    public static List<String> unsteady(Tables s) {
        List<String> out = new ArrayList<>();
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("norm", s.norms());
        tables.put("clip", s.clipping());
        tables.put("dp", s.dp());
        tables.put("step", s.trainingSteps());
        tables.forEach((label, t) -> {
            if (t.rowCount() == 0 || !t.columnNames().contains("steady")) return;
            for (int r = 0; r < t.rowCount(); r++) {
                String v = t.stringColumn("steady").get(r);
                if (!v.equals("yes") && !v.isEmpty()) out.add(label + " " + describeRow(t, r) + ": " + v);
            }
        });
        return out;
    }

    /** A row at more than this % of its memory limit needs a stated reason (its flag). */
    public static final double LIMIT_PCT = 105;

    /**
     * The column "flag": why a row's derived figures must not be read as findings, empty when they can. A time at or
     * below 0 (a restore measured apart that took longer than the call), or a row faster than the memory limit of its
     * passes by more than 5%, with what can explain it: a net time that is the difference of two measurements; else a
     * kernel and the limit's primitives measured in different forks, where the memory system differed, or later passes
     * that found more in cache than the limit credits.
     */
    static Table withFlags(Table t, String timeColumn, MemoryLimit limit) {
        StringColumn flag = StringColumn.create("flag");
        for (int r = 0; r < t.rowCount(); r++) {
            double ns = t.doubleColumn(timeColumn).getDouble(r), pct = t.doubleColumn("pct_achievable").getDouble(r);
            boolean subtracted = t.columnNames().contains("restore") && t.stringColumn("restore").get(r).equals("subtracted");
            double bytes = t.doubleColumn("elements").getDouble(r) * t.doubleColumn("element_bytes").getDouble(r);
            double cached = limit.cachedBytes(t.stringColumn("dtype").get(r), t.stringColumn("threads").get(r));
            String refused = t.columnNames().contains("limit_refused") ? t.stringColumn("limit_refused").get(r) : "";
            if (!(ns > 0)) {
                // only a net time (call minus restore) can get here: a score that is not a time is refused when read
                flag.append(subtracted ? "no time: the restore measured alone took as long as the whole call"
                        : "no time: " + ns + " ns is not a time per call");
            } else if (!refused.isEmpty()) {
                flag.append("no memory limit: " + refused);
            } else if (pct > LIMIT_PCT) {
                String why = subtracted ? "its net time is the call minus a restore measured apart, most of the call"
                        : String.format(java.util.Locale.ROOT, "faster than the limit's own primitives ran in their forks: the memory system "
                                + "differed between forks, or the kernel's later passes found more in cache than the limit credits (the run's sizes "
                                + "show %s cached; this set is %.0f MB)", Double.isNaN(cached) ? "nothing" : String.format(java.util.Locale.ROOT, "%.0f MB", cached / 1e6),
                                bytes / 1e6);
                flag.append(String.format(java.util.Locale.ROOT, "above the memory limit (%.0f%%): ", pct) + why);
            } else {
                flag.append("");
            }
        }
        Table out = t.copy();
        out.addColumns(flag);
        return out;
    }

    /** Rows whose flag says why their figures are not findings: "row: flag". */
    static List<String> flagged(Table t) {
        List<String> out = new ArrayList<>();
        if (!t.columnNames().contains("flag")) return out;
        for (int r = 0; r < t.rowCount(); r++) {
            String f = t.stringColumn("flag").get(r);
            if (!f.isEmpty()) out.add(describeRow(t, r) + ": " + f);
        }
        return out;
    }

    private static String describeRow(Table t, int r) {
        List<String> parts = new ArrayList<>();
        for (String c : List.of("strategy", "model", "backend", "dtype", "data", "kind", "layout", "regime", "threads")) {
            if (t.columnNames().contains(c) && !t.stringColumn(c).get(r).isEmpty()) parts.add(t.stringColumn(c).get(r));
        }
        return String.join(" ", parts);
    }

    /** The traffic of one call of a strategy (base spec) in a regime, as the strategy states it; null if unknown. */
    static MemoryTraffic traffic(String strategy, String regime) {
        try {
            return Strategies.create(strategy).traffic(Regime.parse(regime).scaledShare());
        } catch (IllegalArgumentException e) {
            return null; // a strategy this build does not know (results of another version)
        }
    }

    private static MemoryTraffic times(MemoryTraffic t, double k) {
        return t == null ? null : new MemoryTraffic(k * t.gradientReads(), k * t.gradientWrites(), k * t.parameterReads());
    }

    /**
     * Adds passes, bytes moved ((reads + writes) x elements x dtype bytes), read and written bytes, the
     * time used (timed_ns, from timeColumn) and eff_gbps = bytes / that time: the bandwidth of the time
     * the row reports, no other.
     */
    static Table withTraffic(Table t, String timeColumn, java.util.function.IntFunction<MemoryTraffic> trafficOfRow) {
        DoubleColumn passes = DoubleColumn.create("passes"), bytes = DoubleColumn.create("bytes");
        DoubleColumn readBytes = DoubleColumn.create("read_bytes"), writeBytes = DoubleColumn.create("write_bytes");
        DoubleColumn timed = DoubleColumn.create("timed_ns"), eff = DoubleColumn.create("eff_gbps");
        for (int r = 0; r < t.rowCount(); r++) {
            MemoryTraffic m = trafficOfRow.apply(r);
            double unit = t.doubleColumn("elements").getDouble(r) * t.doubleColumn("element_bytes").getDouble(r);
            double rb = m == null ? Double.NaN : (m.gradientReads() + m.parameterReads()) * unit;
            double wb = m == null ? Double.NaN : m.gradientWrites() * unit;
            double ns = t.doubleColumn(timeColumn).getDouble(r);
            passes.append(m == null ? Double.NaN : m.passes());
            readBytes.append(rb);
            writeBytes.append(wb);
            bytes.append(rb + wb);
            timed.append(ns);
            eff.append(ns > 0 ? (rb + wb) / ns : Double.NaN); // bytes per ns = GB/s
        }
        Table out = t.copy();
        out.addColumns(passes, bytes, readBytes, writeBytes, timed, eff);
        return out;
    }

    /**
     * achievable_ns: the memory limit of the row's passes ({@link MemoryLimit}: read and in-place passes at the
     * same run's rates for the same data set, dtype and threads, later passes credited with what the cache can
     * hold; a clip timed right after an untimed restore starts with a read of freshly written data, as it does);
     * pct_achievable = achievable / timed ns, 100% is a kernel at the limit.
     */
    private static Table withLimit(Table t, MemoryLimit limit) {
        DoubleColumn achievable = DoubleColumn.create("achievable_ns");
        StringColumn kind = StringColumn.create("limit"), refused = StringColumn.create("limit_refused");
        for (int r = 0; r < t.rowCount(); r++) {
            double unit = t.doubleColumn("elements").getDouble(r) * t.doubleColumn("element_bytes").getDouble(r);
            MemoryTraffic m = new MemoryTraffic(t.doubleColumn("read_bytes").getDouble(r) / unit, t.doubleColumn("write_bytes").getDouble(r) / unit, 0);
            boolean known = Double.isFinite(m.gradientReads()) && Double.isFinite(m.gradientWrites());
            boolean fresh = t.columnNames().contains("restore") && t.stringColumn("restore").get(r).equals("untimed");
            MemoryLimit.Limit l = known ? limit.limit(t.stringColumn("data").get(r), t.stringColumn("dtype").get(r), t.stringColumn("threads").get(r), unit,
                    m, fresh) : new MemoryLimit.Limit(Double.NaN, "", null);
            achievable.append(l.ns());
            kind.append(Double.isNaN(l.ns()) ? "" : l.kind());
            refused.append(l.refused() == null ? "" : l.refused());
        }
        Table out = t.copy();
        out.addColumns(achievable, achievable.divide(out.doubleColumn("timed_ns")).multiply(100).setName("pct_achievable"), kind, refused);
        return out;
    }

    /** The fastest iteration of any fork in JMH's raw iteration text ("a b c|d e"); NaN without one. */
    static double bestIteration(String raw) {
        double best = Double.NaN;
        for (String x : raw.trim().split("[|\\s]+")) {
            if (x.isEmpty()) continue;
            double v = Double.parseDouble(x);
            if (v > 0 && !(v >= best)) best = v;
        }
        return best;
    }

    /**
     * Adds the parameter columns a benchmark lacks (empty), elements and element_bytes of the data set,
     * and gbps for the STREAM kernels (bytes read plus written / time, STREAM's convention).
     */
    static Table withDerived(Table jmh) {
        Table t = jmh.copy();
        for (String c : List.of("data", "values", "backend", "dtype", "threads", "layout", "strategy", "regime", "kind",
                "batch", "method", "model")) {
            if (!t.columnNames().contains(c)) t.addColumns(StringColumn.create(c, t.rowCount()));
        }
        DoubleColumn elements = DoubleColumn.create("elements"), elementBytes = DoubleColumn.create("element_bytes");
        DoubleColumn gbps = DoubleColumn.create("gbps"), bestGbps = DoubleColumn.create("best_gbps");
        for (int r = 0; r < t.rowCount(); r++) {
            String set = t.stringColumn("data").get(r);
            double n = elementsOf(set);
            String dtype = t.stringColumn("dtype").get(r);
            double eb = dtype.isEmpty() ? 8 : DType.parse(dtype).bytes();
            elements.append(n);
            elementBytes.append(eb);
            double streamPasses = !t.stringColumn("benchmark").get(r).equals(Benchmarks.BANDWIDTH) ? Double.NaN
                    : switch (t.stringColumn("method").get(r)) {
                        case "triad" -> 3;
                        case "read", "readFresh" -> 1;
                        default -> 2;
                    };
            boolean ns = t.stringColumn("unit").get(r).equals("ns/op");
            gbps.append(ns ? streamPasses * n * eb / t.doubleColumn("score").getDouble(r) : Double.NaN);
            bestGbps.append(ns ? streamPasses * n * eb / bestIteration(t.stringColumn("raw").get(r)) : Double.NaN);
        }
        t.addColumns(elements, elementBytes, gbps, bestGbps);
        return t;
    }

    private static double elementsOf(String set) {
        if (set.isEmpty()) return Double.NaN;
        try {
            return ParamShapes.get(set).totalSize();
        } catch (IllegalArgumentException e) {
            return Double.NaN;
        }
    }

    /** The whole summary as Markdown sections. */
    public static String markdown(Tables s) {
        List<String> parts = new ArrayList<>();
        List<String> unsteady = unsteady(s);
        int judged = s.norms().rowCount() + s.clipping().rowCount() + s.dp().rowCount() + s.trainingSteps().rowCount();
        if (judged > 0) {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "**Steady state**: %d of %d results were still moving when measurement ended (column `steady`; "
                    + "`compare` calls them unreliable).%n", unsteady.size(), judged));
            unsteady.forEach(u -> sb.append("- ").append(u).append('\n'));
            parts.add(sb.toString());
        }
        List<String> flagged = new ArrayList<>(flagged(s.norms()));
        flagged.addAll(flagged(s.clipping()));
        if (!flagged.isEmpty()) {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
                    "**Flagged rows**: %d kernel rows carry a flag (column `flag`): their time is not positive, or they ran faster than "
                    + "the memory limit of their passes (pct_achievable over %.0f%%), which the limit's own measurements contradict; "
                    + "read their GB/s and %% of the limit as unexplained, not as findings.%n", flagged.size(), LIMIT_PCT));
            flagged.forEach(u -> sb.append("- ").append(u).append('\n'));
            parts.add(sb.toString());
        }
        if (s.bandwidth().rowCount() > 0) {
            parts.add("### Memory bandwidth reference (GB/s, STREAM convention)\n\n"
                    + Markdown.table(pivotBandwidth(s.bandwidth())));
        }
        if (s.norms().rowCount() > 0) parts.add("### L2 norms\n\n" + Markdown.table(s.norms()));
        if (s.normOverhead().rowCount() > 0) {
            parts.add("### Cost of a safe norm (time relative to the naive or library norm)\n\n" + Markdown.table(s.normOverhead()));
        }
        if (s.clipping().rowCount() > 0) {
            parts.add("### Clipping (one call, in place; net_ns is the clip alone: ns_op minus the restore measured alone where "
                    + "`restore` is subtracted (small data), ns_op itself where the restore ran untimed before each call (1M elements "
                    + "and more); eff_gbps and pct_achievable use net_ns)\n\n" + Markdown.table(s.clipping()));
        }
        if (s.dp().rowCount() > 0) parts.add("### DP-SGD per-example clipping (one batch)\n\n" + Markdown.table(s.dp()));
        if (s.trainingSteps().rowCount() > 0) {
            parts.add("### One training step (forward, backward, clip, SGD update)\n\n" + Markdown.table(s.trainingSteps()));
        }
        return String.join("\n", parts);
    }

    public static Table pivotBandwidth(Table bw) {
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
