package org.clipbench.report;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.ScriptOutput;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.Table;

/**
 * The figures and tables defined by the scripts in {@code analysis/report/}: the report runs each one
 * (in this JVM, see {@link ScriptRunner}) over its inputs and takes what it hands to {@link ScriptOutput}.
 * Scripts are read from the working folder's {@code analysis/report/} when there is one (edit and rerun
 * {@code --report-only}, no rebuild), else from the copies built into the jar.
 */
final class ScriptSection implements ReportSection {
    /** A script: its name and its source. */
    record Script(String name, String source) {
    }

    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        Table jmh = in.jmhFiles().isEmpty() ? null : Report.loadJmh(in.jmhFiles(), new ArrayList<>()); // its problems: the kernel section's
        List<Figure> figs = new ArrayList<>();
        Map<String, Table> tables = new LinkedHashMap<>();
        Map<String, String> csvNames = new LinkedHashMap<>();
        String[] current = new String[1];
        ScriptOutput.Sink sink = new ScriptOutput.Sink() {
            public List<Path> inputs() { return in.folders(); }
            public Table jmh() { return jmh; }
            public void figure(Figure f) { figs.add(f); }
            public void table(String title, Table t) {
                tables.put(title, t);
                long before = csvNames.values().stream().filter(n -> n.startsWith(current[0])).count();
                csvNames.put(title, current[0] + (before == 0 ? "" : "-" + (before + 1)) + ".csv");
            }
        };
        List<String> ran = new ArrayList<>();
        for (Script s : scripts()) {
            current[0] = "analysis-" + s.name().replace(".jsh", "");
            String[] problem = new String[1];
            ScriptOutput.runWith(sink, () -> problem[0] = ScriptRunner.run("analysis/report/" + s.name(), s.source()));
            if (problem[0] != null) out.problems().add(problem[0]);
            else ran.add(s.name());
        }
        if (figs.isEmpty() && tables.isEmpty()) return;
        out.writeFigures(figs);
        out.md().append("## From the analysis scripts\n\n");
        for (var t : tables.entrySet()) {
            out.writeCsv(csvNames.get(t.getKey()), t.getValue());
            out.md().append("### ").append(t.getKey()).append("\n\n").append(Markdown.table(t.getValue())).append('\n');
        }
        out.html().add(new HtmlReport.Section("scripts", "From the analysis scripts",
                "Defined by the scripts in <code>analysis/report/</code> (" + String.join(", ", ran) + "): edit one and rerun "
                        + "<code>./run-bench.sh --report-only FOLDER</code>, no rebuild needed.", tables, Output.drawn(figs)));
        out.linkFigures(figs);
    }

    /** analysis/report/*.jsh of the working folder, else of the jar (or of the classes folder in a build), by name. */
    static List<Script> scripts() throws IOException {
        return scripts(Path.of("analysis", "report"));
    }

    static List<Script> scripts(Path local) throws IOException {
        if (Files.isDirectory(local)) return read(local);
        Path code;
        try {
            code = Path.of(ScriptSection.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(code)) return read(code.resolve("analysis").resolve("report"));
        try (FileSystem jar = FileSystems.newFileSystem(code)) {
            return read(jar.getPath("/analysis/report"));
        }
    }

    private static List<Script> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        List<Script> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".jsh")).sorted().toList()) {
                out.add(new Script(p.getFileName().toString(), Files.readString(p)));
            }
        }
        return out;
    }
}
