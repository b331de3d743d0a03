package org.clipbench.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.clipbench.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The report (tables, figures, index.html) from one or more results folders; shards and repeats are merged. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the report for results folders (bench, sweep or reproduction folders) or JMH JSON files:",
                "summary.md, CSV tables, every figure as SVG and PNG, and index.html (works offline).",
                "Exit 1 when an input could not be used (the report of the rest is still written)."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "results folders (results/runs/...) or JMH JSON files")
    List<Path> inputs;

    @Option(names = "--out", description = "report folder (default: report/ inside the first input folder)")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (Path p : inputs) {
            if (!java.nio.file.Files.exists(p)) {
                throw new IllegalArgumentException(p + ": no such results folder or file; name a folder under results/runs or a JMH JSON file");
            }
        }
        return report(inputs, out != null ? out : defaultReportDir(inputs.get(0)));
    }

    /** report/ inside the first input folder, or beside the first input file (never the current folder by accident). */
    static Path defaultReportDir(Path first) {
        Path abs = first.toAbsolutePath().normalize();
        return java.nio.file.Files.isDirectory(abs) ? abs.resolve("report") : abs.resolveSibling("report");
    }

    /**
     * Writes the report; prints where it is and every input that could not be used; 1 if there was one. When no input
     * could be used there is nothing to report: bad input, one error line naming why (exit 2; it was exit 0 or a bug's 3).
     */
    static int report(List<Path> inputs, Path reportDir) throws Exception {
        Report.Outcome o = Report.build(inputs, reportDir);
        if (!o.reported() && !o.problems().isEmpty()) {
            throw new IllegalArgumentException("nothing to report: " + String.join("; ", o.problems()));
        }
        return o.print(System.out, System.err);
    }
}
