// Convergence figures (SVG and PNG) from sweep folders, plus one figure built here from curves.csv with
// a Tablesaw group-by, to copy for other metrics. Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/sweeps/digits-quick -R-Dout=target/figures analysis/convergence-figures.jsh
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;
import tech.tablesaw.aggregate.AggregateFunctions;

List<Path> inputs = Arrays.stream(System.getProperty("results", "results/reference/sweeps/digits-quick").split(",")).map(Path::of).toList();
Path out = Path.of(System.getProperty("out", "target/figures"));
Files.createDirectories(out);
List<SweepResults> sweeps = new ArrayList<>();
for (Path p : inputs) sweeps.add(SweepResults.load(p));

// The standard figures: loss curves with quartile bands, final-loss heatmap, clip share, divergences, success vs length.
for (Figure f : ConvergenceFigures.build(sweeps)) if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));

// Your own: the median pre-clip gradient norm over seeds, per strategy, for the first sweep (any metric of curves.csv works).
SweepResults s = sweeps.get(0);
Table c = s.curves().joinOn("run_id").inner(s.runs().selectColumns("run_id", "strategy"));
Table g = c.where(c.stringColumn("metric").isEqualTo("grad_norm_pre")).summarize("value", AggregateFunctions.median).by("strategy", "step");
Figure f = Figure.line("grad-norm-" + s.name()).title(s.name() + ": gradient norm before clipping (median over runs)").axes("step", "L2 norm").logY();
for (String st : new TreeSet<>(g.stringColumn("strategy").asList())) {
    Table r = g.where(g.stringColumn("strategy").isEqualTo(st)).sortOn("step");
    f.add(st, r.numberColumn("step").asDoubleArray(), r.doubleColumn(2).asDoubleArray());
}
if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));
/exit
