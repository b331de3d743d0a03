package org.clipbench.report;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.ConvergenceFigures;
import org.clipbench.analysis.SweepResults;
import org.clipbench.experiments.SweepSummary;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.Table;

/** Sweep folders: per strategy and learning rate, the run summary table and the convergence figures. */
final class ConvergenceSection implements ReportSection {
    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        List<SweepResults> sweeps = out.loadEach(in.sweeps(), SweepResults::load);
        if (sweeps.isEmpty()) return;
        List<org.clipbench.analysis.Figure> figs = ConvergenceFigures.build(sweeps);
        out.writeFigures(figs);
        Map<String, Table> tables = new LinkedHashMap<>();
        for (SweepResults s : sweeps) {
            if (s.curves() == null) out.problems().add(s.dir().resolve("curves.csv") + ": missing, so this sweep has no curves in the report");
            Table summary = SweepSummary.table(s.runs());
            tables.put(s.name() + " (" + s.dir() + ")", summary);
            out.writeCsv("convergence-" + ConvergenceFigures.slug(s.name()) + ".csv", summary);
            out.md().append("## Convergence: ").append(s.name()).append("\n\n").append(Markdown.table(summary)).append('\n');
        }
        out.html().add(new HtmlReport.Section("convergence", "Convergence",
                "Per strategy and learning rate: runs, diverged runs, median final training loss and held-out metrics (means over seeds).",
                tables, Output.drawn(figs)));
        out.linkFigures(figs);
    }
}
