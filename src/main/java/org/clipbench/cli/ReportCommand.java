package org.clipbench.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.clipbench.analysis.JmhResults;
import org.clipbench.analysis.KernelSummary;
import org.clipbench.sweep.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tech.tablesaw.api.Table;

/** Summary tables from one or more results folders (shards and repeats are merged). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the kernel summary (Markdown and CSV) for results folders or JMH JSON files.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "results folders (results/runs/...) or JMH JSON files")
    List<Path> inputs;

    @Option(names = "--out", description = "report folder (default: report/ inside the first input folder)")
    Path out;

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? out : (inputs.get(0).toFile().isDirectory() ? inputs.get(0).resolve("report") : Path.of("report"));
        summarize(inputs, dir, true);
        return 0;
    }

    static void summarize(List<Path> inputs, Path reportDir, boolean print) throws Exception {
        Table jmh = JmhResults.load(inputs);
        KernelSummary.Tables t = KernelSummary.build(jmh);
        String md = "## Kernel summary\n\nFrom: " + inputs + "\n\n" + KernelSummary.markdown(t);
        AtomicFiles.writeString(reportDir.resolve("summary.md"), md);
        AtomicFiles.writeString(reportDir.resolve("kernels-clipping.csv"), t.clipping().write().toString("csv"));
        AtomicFiles.writeString(reportDir.resolve("kernels-norms.csv"), t.norms().write().toString("csv"));
        AtomicFiles.writeString(reportDir.resolve("bandwidth.csv"), t.bandwidth().write().toString("csv"));
        if (print) {
            System.out.println();
            System.out.println(md);
            System.out.println("report: " + reportDir.resolve("summary.md"));
        }
    }
}
