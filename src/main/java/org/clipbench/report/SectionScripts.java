package org.clipbench.report;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.KernelSummary;
import org.clipbench.analysis.ScriptOutput;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * The analysis scripts of one folder of {@code analysis/report/}, run over a report's inputs (in this JVM,
 * see {@link ScriptRunner}): {@code kernels/} defines the Kernels section's figures, {@code convergence/}
 * the Convergence section's, the folder itself the section "From the analysis scripts". Scripts are read
 * from the working folder's {@code analysis/report/} when there is one (edit and rerun {@code --report-only},
 * no rebuild), else from the copies built into the jar.
 */
final class SectionScripts {
    /** A script: its name and its source. */
    record Script(String name, String source) {
    }

    /** What a folder's scripts handed back, in their order; csvNames: the file each table is written to. */
    record Collected(List<Figure> figures, Map<String, Table> tables, Map<String, String> csvNames, List<String> ran) {
        boolean isEmpty() {
            return figures.isEmpty() && tables.isEmpty();
        }
    }

    static final Path PROJECT_FOLDER = Path.of("analysis", "report");

    private final Path root;

    /** The scripts under root (analysis/report/ of the working folder, or the jar's copies when it does not exist). */
    SectionScripts(Path root) {
        this.root = root;
    }

    /**
     * Runs the scripts of root/folder ("" for root itself) by name; a script that does not compile or throws,
     * or a figure id or table title already taken, is a named problem of out and the rest still runs.
     */
    Collected run(String folder, Report.Inputs in, ReportSection.Output out) throws IOException {
        Collected got = new Collected(new ArrayList<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new ArrayList<>());
        Set<String> ids = new HashSet<>();
        out.figureFiles().forEach(f -> ids.add(f.getFileName().toString().replaceAll("\\.(svg|png)$", "")));
        String prefix = "analysis/report/" + (folder.isEmpty() ? "" : folder + "/");
        for (Script s : scripts(folder)) {
            String name = prefix + s.name(), base = s.name().replace(".jsh", "");
            int[] tablesOfScript = new int[1];
            ScriptOutput.Sink sink = new ScriptOutput.Sink() {
                public List<Path> inputs() { return in.folders(); }
                public Table jmh() { return in.jmh(); }
                public KernelSummary.Tables kernels() { return in.kernels(); }
                public List<SweepResults> sweeps() { return in.sweepResults(); }
                public void figure(Figure f) {
                    // a second figure of one id would overwrite the first's files without a word
                    if (ids.add(f.id())) got.figures().add(f);
                    else out.problems().add(name + ": figure id '" + f.id() + "' is already in the report; give it another id");
                }
                public void table(String title, Table t) {
                    if (got.tables().containsKey(title)) {
                        out.problems().add(name + ": table '" + title + "' is already in the report; give it another title");
                        return;
                    }
                    got.tables().put(title, t);
                    got.csvNames().put(title, "analysis-" + (folder.isEmpty() ? "" : folder + "-") + base
                            + (tablesOfScript[0]++ == 0 ? "" : "-" + tablesOfScript[0]) + ".csv");
                }
            };
            String[] problem = new String[1];
            ScriptOutput.runWith(sink, () -> problem[0] = ScriptRunner.run(name, s.source()));
            if (problem[0] != null) out.problems().add(problem[0]);
            else got.ran().add(s.name());
        }
        return got;
    }

    /** The .jsh files of root/folder by name: of the working folder when it exists, else of the jar (or of the classes folder in a build). */
    List<Script> scripts(String folder) throws IOException {
        Path local = folder.isEmpty() ? root : root.resolve(folder);
        if (Files.isDirectory(root)) return read(local);
        Path code;
        try {
            code = Path.of(SectionScripts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        String inBuild = "analysis/report" + (folder.isEmpty() ? "" : "/" + folder);
        if (Files.isDirectory(code)) return read(code.resolve(inBuild));
        try (FileSystem jar = FileSystems.newFileSystem(code)) {
            return read(jar.getPath("/" + inBuild));
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
