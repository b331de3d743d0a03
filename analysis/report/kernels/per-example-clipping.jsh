// What private training's clipping costs (PerExampleClipBenchmark): one step of a linear layer over T positions by each
// per-example clipping method (materialised per-example gradients, ghost clipping, book-keeping, mixed) against the
// non-private step on the same batch, with the working set each step holds (the model's activations and output
// gradients, the gradient, and what the method forms: B per-example gradients or two T x T Gram matrices). The table
// gives every row with its ratio to the non-private step (95% interval from both times' JMH errors); the crossover map
// marks, per layer and backend, the fastest private method at each batch size B and sequence length T, grey where it is
// not faster than the next beyond noise; the second figure draws each method's step over the non-private step against T.
// By hand, from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/full -R-Dout=target/figures analysis/report/kernels/per-example-clipping.jsh
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

List<String> PRIVATE = List.of("materialised", "ghost", "book-keeping", "mixed");

Table jmh = ScriptOutput.jmh();
if (jmh != null && jmh.stringColumn("benchmark").contains("PerExampleClipBenchmark")) {
    Table rows = jmh.where(jmh.stringColumn("benchmark").isEqualTo("PerExampleClipBenchmark"));
    Table out = Table.create("Per-example clipping: one private step against the non-private step", StringColumn.create("backend"), StringColumn.create("dtype"),
            StringColumn.create("layer"), StringColumn.create("rule"), IntColumn.create("batch"), IntColumn.create("positions"), StringColumn.create("clipping"),
            DoubleColumn.create("step_ms"), DoubleColumn.create("over_non_private"), StringColumn.create("over_non_private_95pct"),
            DoubleColumn.create("working_set_mb"), DoubleColumn.create("alloc_mb_op"), StringColumn.create("steady"));
    // one group per cell: backend, dtype, layer, rule, batch size, sequence length
    Map<String, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < rows.rowCount(); i++) {
        Row r = rows.row(i);
        groups.computeIfAbsent(String.join("|", r.getString("backend"), r.getString("dtype"), r.getString("layer"), r.getString("rule"),
                String.format("%08d", Integer.parseInt(r.getString("batch"))), String.format("%08d", Integer.parseInt(r.getString("positions")))), k -> new ArrayList<>()).add(i);
    }
    // the crossover map: per panel (backend dtype layer) and method, the cells (T, B) where it is fastest
    Map<String, Map<String, List<double[]>>> fastest = new TreeMap<>();
    // step over the non-private one against T: per panel (backend dtype layer B) and method, the points (T, ratio)
    Map<String, Map<String, List<double[]>>> overhead = new TreeMap<>();
    for (var g : groups.entrySet()) {
        String[] k = g.getKey().split("\\|");
        int batch = Integer.parseInt(k[4]), positions = Integer.parseInt(k[5]);
        Integer base = null;
        for (int i : g.getValue()) if (rows.getString(i, "clipping").equals("non-private")) base = i;
        Derived.Time baseTime = base == null ? null : Derived.Time.of(rows, base, "median", "error", "samples", "steady");
        List<Integer> candidates = new ArrayList<>();
        for (int i : g.getValue()) {
            String m = rows.getString(i, "clipping");
            Derived ratio = baseTime == null || m.equals("non-private") ? null : Derived.ratio(Derived.Time.of(rows, i, "median", "error", "samples", "steady"), baseTime);
            out.stringColumn("backend").append(k[0]);
            out.stringColumn("dtype").append(k[1]);
            out.stringColumn("layer").append(k[2]);
            out.stringColumn("rule").append(k[3]);
            out.intColumn("batch").append(batch);
            out.intColumn("positions").append(positions);
            out.stringColumn("clipping").append(m);
            out.doubleColumn("step_ms").append(rows.doubleColumn("median").getDouble(i) / 1e6);
            out.doubleColumn("over_non_private").append(ratio != null && ratio.shown() ? ratio.value() : Double.NaN);
            out.stringColumn("over_non_private_95pct").append(m.equals("non-private") ? "" : ratio == null ? "— (no non-private step in the run)" : ratio.cell("%.3g"));
            out.doubleColumn("working_set_mb").append(rows.doubleColumn("working_set_bytes").getDouble(i) / (1 << 20));
            out.doubleColumn("alloc_mb_op").append(rows.doubleColumn("alloc_b_op").getDouble(i) / (1 << 20));
            out.stringColumn("steady").append(rows.getString(i, "steady"));
            if (PRIVATE.contains(m)) candidates.add(i);
            if (ratio != null && ratio.shown()) {
                overhead.computeIfAbsent(k[0] + " " + k[1] + " " + k[2] + " B=" + batch, x -> new TreeMap<>()).computeIfAbsent(m, x -> new ArrayList<>())
                        .add(new double[] {positions, ratio.value()});
            }
        }
        if (candidates.size() < 2) continue;
        candidates.sort(Comparator.comparingDouble(i -> rows.doubleColumn("median").getDouble(i)));
        Derived.Time best = Derived.Time.of(rows, candidates.get(0), "median", "error", "samples", "steady");
        Derived.Time next = Derived.Time.of(rows, candidates.get(1), "median", "error", "samples", "steady");
        // fastest beyond noise: its 95% interval ends below the runner-up's, both at steady state
        boolean decided = best.steady() && next.steady() && best.ns() + best.halfWidth95() < next.ns() - next.halfWidth95();
        String winner = decided ? rows.getString(candidates.get(0), "clipping") : "within noise";
        fastest.computeIfAbsent(k[0] + " " + k[1] + " " + k[2], x -> new TreeMap<>()).computeIfAbsent(winner, x -> new ArrayList<>())
                .add(new double[] {positions, batch});
    }
    ScriptOutput.table(out.name(), out);
    if (!fastest.isEmpty()) {
        Figure map = Figure.scatter("per-example-crossover-map").title("Fastest private step per batch size and sequence length"
                + (fastest.size() == 1 ? " (" + fastest.keySet().iterator().next() + ")" : ""))
                .axes("sequence length T", "batch size B").logX().logY()
                .caption("Each cell (T, B) of each layer and backend is marked with the clipping method whose step was fastest (median time), "
                        + "grey where its 95% interval does not end below the next method's (a tie within noise, or a time not at steady state). "
                        + "Ghost clipping and book-keeping take per-example norms from two T x T Gram matrices, materialised forms every example's "
                        + "d_out x d_in gradient, mixed picks per layer by 2T^2 against d_in d_out (docs/privacy.md says when each wins).");
        for (var panel : fastest.entrySet()) {
            for (var m : panel.getValue().entrySet()) {
                double[] x = m.getValue().stream().mapToDouble(p -> p[0]).toArray(), y = m.getValue().stream().mapToDouble(p -> p[1]).toArray();
                map.add(new Figure.Series(m.getKey(), x, y, null, null, false).inPanel(panel.getKey()));
            }
        }
        ScriptOutput.figure(map);
    }
    if (!overhead.isEmpty()) {
        Figure f = Figure.line("per-example-step-over-non-private").title("Private step over the non-private step, against the sequence length"
                + (overhead.size() == 1 ? " (" + overhead.keySet().iterator().next() + ")" : ""))
                .axes("sequence length T", "step time / non-private step time").logX().logY()
                .caption("Median step time of each clipping method over the non-private step on the same batch, one panel per backend, layer and batch size; "
                        + "cells whose ratio has no bounded interval (a time not at steady state, or too noisy) are left out (the table says why).");
        for (var panel : overhead.entrySet()) {
            for (var m : panel.getValue().entrySet()) {
                List<double[]> pts = new ArrayList<>(m.getValue());
                pts.sort(Comparator.comparingDouble(p -> p[0]));
                f.add(new Figure.Series(m.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray(), null, null, false)
                        .inPanel(panel.getKey()));
            }
        }
        ScriptOutput.figure(f);
    }
}
/exit
