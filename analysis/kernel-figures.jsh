// The standard kernel figures (SVG and PNG) from results folders. For a figure of your own, copy one of
// analysis/report/*.jsh: the report runs every script there. Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick -R-Dout=target/figures analysis/kernel-figures.jsh
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

List<Path> inputs = Arrays.stream(System.getProperty("results", "results/reference/quick").split(",")).map(Path::of).toList();
Path out = Path.of(System.getProperty("out", "target/figures"));
Files.createDirectories(out);
KernelSummary.Tables t = KernelSummary.build(JmhResults.load(inputs));

// The standard figures: time and GB/s against size, strategy cost, safe-norm cost, thread scaling.
for (Figure f : KernelFigures.build(t)) if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));

/exit
