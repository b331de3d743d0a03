// A figure of your own from curves.csv, with a Tablesaw group-by: the median gradient norm before
// clipping over the seeds, per strategy, for each sweep (any metric of curves.csv works). Copy it into
// analysis/report/convergence/ and every report draws it. Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/sweeps/digits-quick -R-Dout=target/figures analysis/gradient-norm-figure.jsh
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;
import tech.tablesaw.aggregate.AggregateFunctions;

for (SweepResults s : ScriptOutput.sweeps()) {
    if (s.curves() == null) continue;
    Table c = s.curves().joinOn("run_id").inner(s.runs().selectColumns("run_id", "strategy"));
    Table g = c.where(c.stringColumn("metric").isEqualTo("grad_norm_pre")).summarize("value", AggregateFunctions.median).by("strategy", "step");
    Figure f = Figure.line("grad-norm-" + Plots.slug(s.name())).title(s.name() + ": gradient norm before clipping (median over runs)")
            .axes("step", "L2 norm").logY();
    for (String st : Plots.sorted(g, "strategy")) {
        Table r = g.where(g.stringColumn("strategy").isEqualTo(st)).sortOn("step");
        f.add(st, r.numberColumn("step").asDoubleArray(), r.doubleColumn(2).asDoubleArray());
    }
    ScriptOutput.figure(f);
}
/exit
