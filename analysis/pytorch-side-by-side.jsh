// The JVM backends beside PyTorch, from one run: global-norm clip (always clipping), net time per call
// (restore subtracted), speed-up over PyTorch, effective GB/s and % of the achievable time, per data set,
// dtype and thread count. Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick analysis/pytorch-side-by-side.jsh
// Prints a Markdown table (what docs/results.md shows) and writes nothing.
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

List<Path> inputs = Arrays.stream(System.getProperty("results", "results/reference/quick").split(",")).map(Path::of).toList();
Table c = KernelSummary.build(JmhResults.load(inputs)).clipping();
Table gn = c.where(c.stringColumn("strategy").isEqualTo("global-norm").and(c.stringColumn("regime").isEqualTo("always")).and(c.stringColumn("layout").isEqualTo("separate")));
Table peer = gn.where(gn.stringColumn("backend").isEqualTo("pytorch")).selectColumns("dtype", "data", "threads", "net_ns", "steady");
peer.column("net_ns").setName("pytorch_ns");
peer.column("steady").setName("pytorch_steady");
Table j = gn.where(gn.stringColumn("backend").isNotEqualTo("pytorch")).joinOn("dtype", "data", "threads").inner(peer);
j.addColumns(j.doubleColumn("pytorch_ns").divide(j.doubleColumn("net_ns")).setName("x_pytorch"));
String fmt(double ns) { return Double.isNaN(ns) ? "" : ns >= 1e6 ? String.format(Locale.ROOT, "%.2f ms", ns / 1e6) : ns >= 1e3 ? String.format(Locale.ROOT, "%.1f µs", ns / 1e3) : String.format(Locale.ROOT, "%.0f ns", ns); }
String mark(String steady) { return steady.equals("yes") ? "" : " †"; }
System.out.println("| data | dtype | threads | PyTorch | backend | net time | × PyTorch | eff. GB/s | % of achievable |");
System.out.println("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
Table sorted = j.sortOn("dtype", "threads", "data", "backend");
for (int r = 0; r < sorted.rowCount(); r++) System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s%s | %s | %s%s | %.2f | %.1f | %.0f%% |", sorted.stringColumn("data").get(r), sorted.stringColumn("dtype").get(r), sorted.stringColumn("threads").get(r), fmt(sorted.doubleColumn("pytorch_ns").getDouble(r)), mark(sorted.stringColumn("pytorch_steady").get(r)), sorted.stringColumn("backend").get(r), fmt(sorted.doubleColumn("net_ns").getDouble(r)), mark(sorted.stringColumn("steady").get(r)), sorted.doubleColumn("x_pytorch").getDouble(r), sorted.doubleColumn("eff_gbps").getDouble(r), sorted.doubleColumn("pct_achievable").getDouble(r)));
System.out.println("\n† not at steady state (see the report's steady column).");
/exit
