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

    private final Path local;

    /** The scripts of the working folder's analysis/report/ (or the jar's copies). */
    ScriptSection() {
        this(Path.of("analysis", "report"));
    }

    /** The scripts of this folder (or the jar's copies when it does not exist). */
    ScriptSection(Path local) {
        this.local = local;
    }

    @Override
    public void write(Report.Inputs in, Output out) throws IOException {
        List<Figure> figs = new ArrayList<>();
        Map<String, Table> tables = new LinkedHashMap<>();
        Map<String, String> csvNames = new LinkedHashMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        out.figureFiles().forEach(f -> ids.add(f.getFileName().toString().replaceAll("\\.(svg|png)$", "")));
        String[] current = new String[1];
        int[] tablesOfScript = new int[1];
        ScriptOutput.Sink sink = new ScriptOutput.Sink() {
            public List<Path> inputs() { return in.folders(); }
            public Table jmh() { return in.jmh(); }
            public void figure(Figure f) {
                // a second figure of one id would overwrite the first's files without a word
                if (ids.add(f.id())) figs.add(f);
                else out.problems().add("analysis/report/" + current[0] + ".jsh: figure id '" + f.id() + "' is already in the report; give it another id");
            }
            public void table(String title, Table t) {
                if (tables.containsKey(title)) {
                    out.problems().add("analysis/report/" + current[0] + ".jsh: table '" + title + "' is already in the report; give it another title");
                    return;
                }
                tables.put(title, t);
                csvNames.put(title, "analysis-" + current[0] + (tablesOfScript[0]++ == 0 ? "" : "-" + tablesOfScript[0]) + ".csv");
            }
        };
        List<String> ran = new ArrayList<>();
        for (Script s : scripts(local)) {
            current[0] = s.name().replace(".jsh", "");
            tablesOfScript[0] = 0;
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
