// Kernel figures (SVG and PNG) from results folders, plus one comparison figure built here from the tables
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
List<String> sizes = n.stringColumn("data").unique().asList().stream().sorted().toList();
Figure f = Figure.dots("norm-pct-of-achievable", sizes).title("Best L2 norm kind per backend, % of the achievable time").axes("size", "achievable time / time, % (whiskers: from the JMH 99.9% interval)");
for (String backend : n.stringColumn("backend").unique().asList().stream().sorted().toList()) { double[] y = new double[sizes.size()], lo = new double[y.length], hi = new double[y.length]; for (int i = 0; i < y.length; i++) { Table c = n.where(n.stringColumn("backend").isEqualTo(backend).and(n.stringColumn("data").isEqualTo(sizes.get(i)))).sortDescendingOn("pct_achievable"); boolean any = c.rowCount() > 0; double a = any ? c.doubleColumn("achievable_ns").getDouble(0) : Double.NaN, time = any ? c.doubleColumn("ns_op").getDouble(0) : Double.NaN, err = any ? c.doubleColumn("error").getDouble(0) : Double.NaN; y[i] = 100 * a / time; lo[i] = 100 * a / (time + err); hi[i] = time > err ? 100 * a / (time - err) : Double.POSITIVE_INFINITY; } f.estimates(backend, y, lo, hi); }
System.out.println(f.series().stream().map(s -> s.name() + " " + Arrays.toString(s.y())).toList());
if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));
/exit
