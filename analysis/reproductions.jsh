// Verdicts, evidence tables and paper-style figures of reproduction results, judged again from the data.
// Run from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/paper -R-Dout=target/figures analysis/reproductions.jsh
import java.nio.file.*;
import java.util.*;
import org.clipbench.analysis.*;
import org.clipbench.reproductions.*;
import tech.tablesaw.api.*;

Path in = Path.of(System.getProperty("results", "results/reference/paper"));
Path out = Path.of(System.getProperty("out", "target/figures"));
Files.createDirectories(out);
List<ReproductionResults> all = new ArrayList<>();
for (Path dir : ReproductionResults.find(in)) all.add(ReproductionResults.load(dir));
System.out.println(ReproductionsReport.verdictTable(all).printAll());

for (ReproductionResults r : all) {
    System.out.println("\n" + r.reproduction().id() + ": " + r.verdict().outcome().label() + " - " + r.verdict().reason());
    System.out.println(r.verdict().numbers().printAll());
    for (Figure f : r.figures()) if (!f.isEmpty()) System.out.println(FigureWriter.write(f, out));
}

// Your own: any sweep of a reproduction is an ordinary sweep folder, e.g. the median training loss per strategy.
for (ReproductionResults r : all) {
    for (var e : r.sweeps().entrySet()) {
        Figure f = Plots.metricCurves(e.getValue(), "loss", r.reproduction().id() + "-" + e.getKey() + "-training-loss",
                r.reproduction().id() + " / " + e.getKey() + ": training loss", "loss", false);
        if (!f.isEmpty()) FigureWriter.write(f, out);
    }
}
/exit
