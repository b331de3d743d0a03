package org.clipbench.report;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.KernelFigures;
import org.clipbench.analysis.KernelSummary;
import tech.tablesaw.api.Table;

/** JMH results (shards and repeats merged): the kernel tables as CSV and Markdown, and their figures. */
final class KernelSection implements ReportSection {
    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        Table jmh = in.jmh();
        if (jmh == null || jmh.rowCount() == 0) return;
        KernelSummary.Tables t = KernelSummary.build(jmh);
        out.md().append("## Kernel summary\n\n").append(KernelSummary.markdown(t)).append('\n');
        out.writeCsv("kernels-clipping.csv", t.clipping());
        out.writeCsv("kernels-norms.csv", t.norms());
        out.writeCsv("kernels-norm-overhead.csv", t.normOverhead());
        out.writeCsv("bandwidth.csv", t.bandwidth());
        out.writeCsv("kernels-dp.csv", t.dp());
        out.writeCsv("training-steps.csv", t.trainingSteps());
        List<Figure> figs = KernelFigures.build(t);
        out.writeFigures(figs);
        Map<String, Table> tables = new LinkedHashMap<>();
        if (t.bandwidth().rowCount() > 0) tables.put("Memory bandwidth reference (GB/s)", KernelSummary.pivotBandwidth(t.bandwidth()));
        if (t.clipping().rowCount() > 0) tables.put("Clipping: one call, in place (ns)", t.clipping());
        if (t.normOverhead().rowCount() > 0) tables.put("Cost of a safe norm", t.normOverhead());
        if (t.norms().rowCount() > 0) tables.put("L2 norms (ns)", t.norms());
        if (t.dp().rowCount() > 0) tables.put("DP-SGD per-example clipping", t.dp());
        if (t.trainingSteps().rowCount() > 0) tables.put("Training steps", t.trainingSteps());
        out.html().add(new HtmlReport.Section("kernels", "Kernels",
                "JMH results of " + jmh.rowCount() + " benchmark runs. Times are JMH scores (average over iterations) with their 99.9% error; "
                        + "<code>median</code> is the median iteration; <code>x_arrays</code> is the speed-up over the plain-arrays backend.",
                tables, Output.drawn(figs)));
        out.linkFigures(figs);
    }
}
