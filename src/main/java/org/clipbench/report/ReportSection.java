package org.clipbench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.FigureWriter;
import org.clipbench.io.AtomicFiles;
import tech.tablesaw.api.Table;

/**
 * One part of a report (kernels, convergence, reproductions): it reads its kind of input, writes its CSV
 * tables and figures into the report folder, and adds its part of summary.md and index.html. A new kind
 * of result is one class and one line in {@link Report#SECTIONS}.
 */
interface ReportSection {

    /** Adds this section's part to the report; an input it cannot read goes to {@link Output#problems()}. */
    void write(Report.Inputs in, Output out) throws IOException;

    /** What the sections write into: the report folder, summary.md, index.html's sections and the problems found. */
    record Output(Path dir, Map<String, String> environment, List<String> problems, StringBuilder md, List<HtmlReport.Section> html,
                  List<Path> figureFiles) {
        Output(Path dir, Map<String, String> environment, List<String> problems, StringBuilder md) {
            this(dir, environment, problems, md, new ArrayList<>(), new ArrayList<>());
        }

        void writeCsv(String name, Table t) throws IOException {
            if (t.rowCount() > 0) AtomicFiles.writeString(dir.resolve(name), t.write().toString("csv"));
        }

        /** Writes each non-empty figure as SVG and PNG; one that cannot be drawn is a problem, not a failed report. */
        void writeFigures(List<Figure> figs) {
            for (Figure f : figs) {
                if (f.isEmpty()) continue;
                try {
                    figureFiles.addAll(FigureWriter.write(f, dir));
                } catch (IOException | RuntimeException e) {
                    problems.add("figure " + f.id() + " could not be drawn: " + e);
                }
            }
        }

        /** summary.md's links to the figures. */
        void linkFigures(List<Figure> figs) {
            for (Figure f : figs) {
                if (!f.isEmpty()) md.append("![").append(f.title()).append("](").append(f.id()).append(".svg)\n");
            }
            md.append('\n');
        }

        /** A loader of one results folder that may refuse it. */
        interface Loader<T> {
            T load(Path dir) throws IOException;
        }

        /** Each folder loaded; one that cannot be (bad input) is a problem named by its loader, and left out. */
        <T> List<T> loadEach(List<Path> dirs, Loader<T> loader) throws IOException {
            List<T> out = new ArrayList<>();
            for (Path dir : dirs) {
                try {
                    out.add(loader.load(dir));
                } catch (org.clipbench.analysis.JmhResults.BadInputException | IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            return out;
        }

        static List<Figure> drawn(List<Figure> figs) {
            return figs.stream().filter(f -> !f.isEmpty()).toList();
        }
    }
}
