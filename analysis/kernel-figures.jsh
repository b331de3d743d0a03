// Kernel figures (SVG and PNG) from results folders, plus one figure built here from a Tablesaw pivot
// to copy when you want another view. Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick -R-Dout=target/figures analysis/kernel-figures.jsh
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;
import tech.tablesaw.aggregate.AggregateFunctions;

List<Path> inputs = Arrays.stream(System.getProperty("results", "results/reference/quick").split(",")).map(Path::of).toList();
Path out = Path.of(System.getProperty("out", "target/figures"));
Files.createDirectories(out);
KernelSummary.Tables t = KernelSummary.build(JmhResults.load(inputs));

// The standard figures: time and GB/s against size, strategy cost, safe-norm cost, thread scaling.
for (Figure f : KernelFigures.build(t)) if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));

// Your own (jshell reads a complete line as a statement: keep a call chain on one line): how close each backend's L2 norm comes to the memory limit, per size (ordinary values, 1 thread).
Table n = t.norms().where(t.norms().stringColumn("values").isEqualTo("ordinary").and(t.norms().stringColumn("threads").isEqualTo("1")));
Table pct = n.pivot(n.stringColumn("data"), n.stringColumn("backend"), n.doubleColumn("pct_achievable"), AggregateFunctions.max).sortOn("data");
System.out.println(pct.printAll());
Figure f = Figure.bar("norm-pct-of-achievable", pct.stringColumn("data").asList()).title("Best L2 norm kind per backend, % of the achievable time").axes("size", "achievable time / time, %");
for (String backend : pct.columnNames().subList(1, pct.columnCount())) f.bars(backend, pct.doubleColumn(backend).asDoubleArray());
if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));
/exit
