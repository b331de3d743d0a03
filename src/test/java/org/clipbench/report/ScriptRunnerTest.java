package org.clipbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.ScriptOutput;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** The report runs analysis scripts in its own JVM; a broken script is one named problem, not a broken report. */
class ScriptRunnerTest {

    static final class Collect implements ScriptOutput.Sink {
        final List<Figure> figures = new ArrayList<>();
        final List<String> tables = new ArrayList<>();

        public List<Path> inputs() { return List.of(Path.of("src/test/resources/fixtures/bench-small")); }
        public Table jmh() { return null; }
        public void figure(Figure f) { figures.add(f); }
        public void table(String title, Table t) { tables.add(title + ":" + t.rowCount()); }
    }

    static String run(Collect sink, String source) {
        String[] problem = new String[1];
        ScriptOutput.runWith(sink, () -> problem[0] = ScriptRunner.run("t.jsh", source));
        return problem[0];
    }

    @Test
    void aScriptHandsItsFiguresAndTablesToTheReport() {
        Collect sink = new Collect();
        String problem = run(sink, """
                // a comment, then jshell's own command at the end
                import org.clipbench.analysis.*;
                import tech.tablesaw.api.*;
                double[] y = {1, 2, 3};
                int twice(int x) {
                    return 2 * x;
                }
                if (twice(2) == 4) {
                    ScriptOutput.figure(Figure.line("t-line").title("t").axes("x", "y").add("s", new double[] {1, 2, 3}, y));
                }
                ScriptOutput.table("counts", Table.create("c", IntColumn.create("n", new int[] {twice(1), twice(2)})));
                /exit
                """);
        assertThat(problem).isNull();
        assertThat(sink.figures).extracting(Figure::id).containsExactly("t-line");
        assertThat(sink.tables).containsExactly("counts:2");
    }

    @Test
    void aScriptThatDoesNotCompileOrThrowsIsNamedWithItsLine() {
        assertThat(run(new Collect(), "int a = 1;\n\nint b = a +* 2;\n")).startsWith("t.jsh: line 3: does not compile");
        assertThat(run(new Collect(), "int a = 1;\nObject o = null;\no.toString();\n")).startsWith("t.jsh: line 3: threw")
                .contains("NullPointerException");
        assertThat(run(new Collect(), "int f() {\n  return 1;\n")).contains("incomplete statement");
    }

    @Test
    void theShippedScriptsAreFoundInTheProjectAndInTheBuild() throws Exception {
        List<String> project = ScriptSection.scripts().stream().map(ScriptSection.Script::name).toList();
        assertThat(project).containsExactly("norm-efficiency.jsh", "pytorch-side-by-side.jsh");
        // outside the project (no analysis/report/ in the working folder): the copies built with the code
        assertThat(ScriptSection.scripts(Path.of("no-such-folder")).stream().map(ScriptSection.Script::name).toList()).isEqualTo(project);
    }

    /** Two scripts that emit the same figure id or table title: the second is a named problem, not a silent overwrite. */
    @Test
    void aFigureIdOrTableTitleTakenTwiceIsAProblem(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String script = """
                import org.clipbench.analysis.*;
                import tech.tablesaw.api.*;
                ScriptOutput.figure(Figure.line("dup").title("d").axes("x", "y").add("s", new double[] {1, 2}, new double[] {1, 2}));
                ScriptOutput.table("T", Table.create("t", IntColumn.create("n", new int[] {1})));
                """;
        Path scripts = java.nio.file.Files.createDirectories(dir.resolve("scripts"));
        java.nio.file.Files.writeString(scripts.resolve("a.jsh"), script);
        java.nio.file.Files.writeString(scripts.resolve("b.jsh"), script);
        Path report = java.nio.file.Files.createDirectories(dir.resolve("report"));
        ReportSection.Output out = new ReportSection.Output(report, java.util.Map.of(), new ArrayList<>(), new StringBuilder());
        new ScriptSection(scripts).write(new Report.Inputs(List.of(), List.of(), List.of(), List.of(), null, List.of(), null), out);
        assertThat(out.problems()).containsExactly(
                "analysis/report/b.jsh: figure id 'dup' is already in the report; give it another id",
                "analysis/report/b.jsh: table 'T' is already in the report; give it another title");
        assertThat(out.figureFiles()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("dup.svg", "dup.png");
        assertThat(report.resolve("analysis-a.csv")).isRegularFile();
        assertThat(out.md().toString()).contains("### T");
    }
}
