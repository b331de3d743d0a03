package org.clipbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Markdown;
import org.clipbench.reproductions.ReproductionResults;
import org.clipbench.reproductions.ReproductionsReport;
import tech.tablesaw.api.Table;

/**
 * Reproduction folders: the verdict table, the numbers behind each verdict, each reproduction's figures,
 * and reproductions.md (in the report, and beside the reproductions when they share the report's parent).
 * It is the report's first section: verdicts are what a reader of a paper run looks for.
 */
final class ReproductionSection implements ReportSection {
    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        List<ReproductionResults> reps = out.loadEach(in.reproductions(), ReproductionResults::load);
        if (reps.isEmpty()) return;
        List<Figure> figs = new ArrayList<>();
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("Verdicts", ReproductionsReport.verdictTable(reps));
        for (ReproductionResults r : reps) {
            figs.addAll(r.figures());
            if (r.verdict().numbers().rowCount() > 0) tables.put(r.reproduction().id() + ": the numbers behind the verdict", r.verdict().numbers());
        }
        out.writeFigures(figs);
        String machine = out.environment().getOrDefault("CPU", "unknown machine");
        AtomicFiles.writeString(out.dir().resolve("reproductions.md"), ReproductionsReport.markdown(reps, "", machine));
        Path parent = reps.get(0).dir().toAbsolutePath().normalize().getParent();
        Path report = out.dir().toAbsolutePath().normalize();
        if (reps.stream().allMatch(r -> parent.equals(r.dir().toAbsolutePath().normalize().getParent())) && report.startsWith(parent)) {
            String prefix = parent.relativize(report).toString().replace('\\', '/') + "/";
            AtomicFiles.writeString(parent.resolve("reproductions.md"), ReproductionsReport.markdown(reps, prefix, machine));
        }
        out.html().add(0, new HtmlReport.Section("reproductions", "Reproductions of published results",
                "Each reproduction states a paper's claim as a testable statement about these results and gives a verdict; "
                        + "the full text with budgets and commands is in <a href=\"reproductions.md\">reproductions.md</a>.",
                tables, Output.drawn(figs)));
        out.md().append("## Reproductions\n\nSee reproductions.md.\n\n").append(Markdown.table(ReproductionsReport.verdictTable(reps))).append('\n');
    }
}
