// Kernel tables from one or more ClipBench results folders, with Tablesaw.
// Run from the project root (after a build):
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/runs/<folder> analysis/kernel-tables.jsh
// Several folders (e.g. shards): -R-Dresults=dirA,dirB. Prints the tables and writes nothing.
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

String arg = System.getProperty("results", "results/reference/quick");
List<Path> inputs = Arrays.stream(arg.split(",")).map(Path::of).toList();
Table jmh = JmhResults.load(inputs);
System.out.println(jmh.rowCount() + " JMH results from " + inputs);
KernelSummary.Tables t = KernelSummary.build(jmh);

// The cost of safety: how much slower each safe kernel is than the naive one on the same data.
System.out.println(t.normOverhead().printAll());

// Which backend clips fastest, per data set: net time (restore subtracted) of global-norm, sorted.
Table g = t.clipping().where(t.clipping().stringColumn("strategy").isEqualTo("global-norm"));
System.out.println(g.selectColumns("data", "dtype", "backend", "layout", "threads", "net_ns", "eff_gbps", "pct_achievable")
        .sortOn("data", "dtype", "net_ns").printAll());

// Strategy cost relative to global-norm on the same backend and data (resnet18 in the quick profile).
Table all = t.clipping();
Table base = all.where(all.stringColumn("strategy").isEqualTo("global-norm")).selectColumns("backend", "dtype", "data", "layout", "threads", "net_ns");
base.column("net_ns").setName("global_norm_ns");
Table rel = all.joinOn("backend", "dtype", "data", "layout", "threads").inner(base);
rel.addColumns(rel.doubleColumn("net_ns").divide(rel.doubleColumn("global_norm_ns")).setName("x_global_norm"));
System.out.println(rel.selectColumns("data", "backend", "strategy", "regime", "net_ns", "x_global_norm").sortOn("data", "backend", "x_global_norm").printAll());
/exit
