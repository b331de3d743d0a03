package org.clipbench.report;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.clipbench.analysis.Plots;
import org.clipbench.analysis.SweepResults;
import org.clipbench.experiments.SweepSummary;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.Table;

/**
 * Sweep folders: per strategy and learning rate, the run summary table, and the figures the scripts of
 * {@code analysis/report/convergence/} draw from the sweeps.
 */
final class ConvergenceSection implements ReportSection {
    private final SectionScripts scripts;

    ConvergenceSection(SectionScripts scripts) {
        this.scripts = scripts;
    }

    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        if (in.sweepResults().isEmpty()) return;
        SectionScripts.Collected drawn = scripts.run("convergence", in, out);
        out.writeFigures(drawn.figures());
        Map<String, Table> tables = new LinkedHashMap<>();
        for (SweepResults s : in.sweepResults()) {
            if (s.curves() == null) out.problems().add(s.dir().resolve("curves.csv") + ": missing, so this sweep has no curves in the report");
            Table summary = SweepSummary.table(s.runs());
            tables.put(s.name() + " (" + s.dir() + ")", summary);
            out.writeCsv("convergence-" + Plots.slug(s.name()) + ".csv", summary);
            out.md().append("## Convergence: ").append(s.name()).append("\n\n").append(Markdown.table(summary)).append('\n');
        }
        KernelSection.addScriptTables(drawn, tables, out);
        out.html().add(new HtmlReport.Section("convergence", "Convergence",
                "Per strategy and learning rate: runs, diverged runs, median final training loss and held-out metrics (means over seeds). "
                        + "Figures: <code>analysis/report/convergence/</code>.",
                tables, Output.drawn(drawn.figures())));
        out.linkFigures(drawn.figures());
    }
}
