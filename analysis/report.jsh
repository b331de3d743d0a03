// The whole report (tables, SVG/PNG figures, offline index.html) from results folders, like
// `./run-bench.sh --report-only`. Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick,results/reference/sweeps -R-Dout=target/report analysis/report.jsh
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import org.clipbench.report.*;

List<Path> inputs = Arrays.stream(System.getProperty("results", "results/reference/quick").split(",")).map(Path::of).toList();
Path out = Path.of(System.getProperty("out", "target/report"));
Report.Outcome o = Report.build(inputs, out);
System.out.println("report: " + o.index() + ", " + o.figureFiles().size() / 2 + " figures");
o.problems().forEach(p -> System.out.println("could not use: " + p));
/exit
