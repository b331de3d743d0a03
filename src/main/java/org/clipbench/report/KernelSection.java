package org.clipbench.report;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.clipbench.analysis.KernelSummary;
import tech.tablesaw.api.Table;

/**
 * JMH results (shards and repeats merged): the kernel tables as CSV and Markdown, and the figures the
 * scripts of {@code analysis/report/kernels/} draw from them.
 */
final class KernelSection implements ReportSection {
    private final SectionScripts scripts;

    KernelSection(SectionScripts scripts) {
        this.scripts = scripts;
    }

    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        Table jmh = in.jmh();
        if (jmh == null || jmh.rowCount() == 0) return;
        KernelSummary.Tables t = in.kernels();
        out.md().append(KernelSummary.headline(t, out.environment().get("CPU"))); // what a reader wants first, then the details
        out.md().append(org.clipbench.analysis.NoiseVerdict.headline(org.clipbench.analysis.NoiseVerdict.files(in.folders())));
        out.md().append("## Kernel summary\n\n").append(KernelSummary.markdown(t)).append('\n');
        out.writeCsv("kernels-clipping.csv", t.clipping());
        out.writeCsv("kernels-norms.csv", t.norms());
        out.writeCsv("kernels-norm-overhead.csv", t.normOverhead());
        out.writeCsv("bandwidth.csv", t.bandwidth());
        out.writeCsv("kernels-dp.csv", t.dp());
        out.writeCsv("training-steps.csv", t.trainingSteps());
        SectionScripts.Collected drawn = scripts.run("kernels", in, out);
        out.writeFigures(drawn.figures());
        Map<String, Table> tables = new LinkedHashMap<>();
        if (t.bandwidth().rowCount() > 0) tables.put("Memory bandwidth reference (GB/s)", KernelSummary.pivotBandwidth(t.bandwidth()));
        if (t.clipping().rowCount() > 0) tables.put("Clipping: one call, in place (ns)", t.clipping());
        if (t.normOverhead().rowCount() > 0) tables.put("Cost of a safe norm", t.normOverhead());
        if (t.norms().rowCount() > 0) tables.put("L2 norms (ns)", t.norms());
        if (t.dp().rowCount() > 0) tables.put("DP-SGD per-example clipping", t.dp());
        if (t.trainingSteps().rowCount() > 0) tables.put("Training steps", t.trainingSteps());
        addScriptTables(drawn, tables, out);
        out.html().add(new HtmlReport.Section("kernels", "Kernels",
                "JMH results of " + jmh.rowCount() + " benchmark runs. Times are JMH scores (average over iterations) with their 99.9% error; "
                        + "<code>median</code> is the median iteration; <code>x_arrays</code> is the speed-up over the plain-arrays backend. "
                        + "Figures: <code>analysis/report/kernels/</code>.",
                tables, Output.drawn(drawn.figures())));
        out.linkFigures(drawn.figures());
    }

    /** A section script's tables: beside the section's own (a title taken already is a problem), as CSV and in summary.md. */
    static void addScriptTables(SectionScripts.Collected drawn, Map<String, Table> tables, Output out) throws IOException {
        for (Map.Entry<String, Table> e : drawn.tables().entrySet()) {
            if (tables.putIfAbsent(e.getKey(), e.getValue()) != null) {
                out.problems().add("a script of analysis/report/: table '" + e.getKey() + "' is already in the report; give it another title");
                continue;
            }
            out.writeCsv(drawn.csvNames().get(e.getKey()), e.getValue());
            out.md().append("### ").append(e.getKey()).append("\n\n").append(org.clipbench.io.Markdown.table(e.getValue())).append('\n');
        }
    }
}
