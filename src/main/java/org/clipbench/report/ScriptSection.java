package org.clipbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.Table;

/**
 * The figures and tables of the scripts directly in {@code analysis/report/} (those in its subfolders belong
 * to the Kernels and Convergence sections): the section "From the analysis scripts".
 */
final class ScriptSection implements ReportSection {
    private final SectionScripts scripts;

    ScriptSection() {
        this(SectionScripts.PROJECT_FOLDER);
    }

    /** The scripts of this folder (or the jar's copies when it does not exist). */
    ScriptSection(Path root) {
        this.scripts = new SectionScripts(root);
    }

    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        SectionScripts.Collected got = scripts.run("", in, out);
        if (got.isEmpty()) return;
        out.writeFigures(got.figures());
        out.md().append("## From the analysis scripts\n\n");
        for (Map.Entry<String, Table> t : got.tables().entrySet()) {
            out.writeCsv(got.csvNames().get(t.getKey()), t.getValue());
            out.md().append("### ").append(t.getKey()).append("\n\n").append(Markdown.table(t.getValue())).append('\n');
        }
        out.html().add(new HtmlReport.Section("scripts", "From the analysis scripts",
                "Defined by the scripts in <code>analysis/report/</code> (" + String.join(", ", got.ran()) + "): edit one and rerun "
                        + "<code>./run-bench.sh --report-only FOLDER</code>, no rebuild needed.", got.tables(), Output.drawn(got.figures())));
        out.linkFigures(got.figures());
    }
}
