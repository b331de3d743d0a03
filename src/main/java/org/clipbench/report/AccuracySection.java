package org.clipbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.accuracy.AccuracyTables;
import org.clipbench.analysis.Figure;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.Table;

/**
 * Accuracy folders (a bench run's accuracy/, or one written by {@code norms accuracy}): the relative error of the
 * global L2 norm per value law, implementation and size, grouping invariance and the largest finite norm, as CSV and
 * Markdown, and the error-versus-size figures (log-log, a panel per value law).
 */
final class AccuracySection implements ReportSection {
    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        List<AccuracyTables> runs = out.loadEach(in.accuracy(), AccuracyTables::load);
        if (runs.isEmpty()) return;
        Map<String, Table> tables = new LinkedHashMap<>();
        List<Figure> figures = new ArrayList<>();
        out.md().append("## Accuracy of the global L2 norm\n\n").append(AccuracyTables.method()).append("\n\n");
        for (AccuracyTables run : runs) {
            String from = runs.size() > 1 ? " (" + run.dir() + ")" : "";
            for (Map.Entry<String, Table> t : run.tables().entrySet()) {
                String title = t.getKey() + from;
                tables.put(title, t.getValue());
                out.md().append("### ").append(title).append("\n\n").append(Markdown.table(t.getValue())).append('\n');
            }
            if (runs.size() == 1) figures.addAll(run.figures()); // figure ids are per dtype: one run's
            String csv = runs.size() > 1 ? "-" + runs.indexOf(run) : "";
            for (String f : List.of("accuracy.csv", "grouping.csv", "largest-finite.csv")) {
                Path src = run.dir().resolve(f);
                if (java.nio.file.Files.isRegularFile(src)) AtomicFiles.writeString(out.dir().resolve(f.replace(".csv", csv + ".csv")), java.nio.file.Files.readString(src));
            }
        }
        out.writeFigures(figures);
        out.html().add(new HtmlReport.Section("accuracy", "Accuracy of the global L2 norm", AccuracyTables.method(), tables, Output.drawn(figures)));
        out.linkFigures(figures);
    }
}
