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
        public org.clipbench.analysis.KernelSummary.Tables kernels() { return null; }
        public List<org.clipbench.analysis.SweepResults> sweeps() { return List.of(); }
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

    /** A block comment's first line starts with '/' too: it is Java, not a jshell command (it was dropped, and the rest of the comment did not compile). */
    @Test
    void blockCommentsAreKeptAndOnlyJshellCommandsAreLeftOut() {
        Collect sink = new Collect();
        assertThat(run(sink, "/**\n * twice x\n */\nint twice(int x) {\n  return 2 * x;\n}\n/* a */ int four = twice(2);\n/exit\n")).isNull();
        assertThat(ScriptRunner.withoutCommands("/open x.jsh\n  /exit\n/*\n//c\n")).isEqualTo("\n\n/*\n//c\n\n");
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
        SectionScripts inProject = new SectionScripts(SectionScripts.PROJECT_FOLDER);
        // outside the project (no analysis/report/ in the working folder): the copies built with the code
        SectionScripts outside = new SectionScripts(Path.of("no-such-folder"));
        for (String folder : List.of("", "kernels", "convergence")) {
            List<String> project = inProject.scripts(folder).stream().map(SectionScripts.Script::name).toList();
            assertThat(project).as(folder).isNotEmpty();
            assertThat(outside.scripts(folder).stream().map(SectionScripts.Script::name).toList()).as(folder).isEqualTo(project);
        }
        assertThat(inProject.scripts("").stream().map(SectionScripts.Script::name)).containsExactly("norm-efficiency.jsh", "pytorch-side-by-side.jsh");
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
        new ScriptSection(scripts).write(Report.Inputs.found(List.of(), List.of(), List.of(), List.of(), List.of(), null, List.of()), out);
        assertThat(out.problems()).containsExactly(
                "analysis/report/b.jsh: figure id 'dup' is already in the report; give it another id",
                "analysis/report/b.jsh: table 'T' is already in the report; give it another title");
        assertThat(out.figureFiles()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("dup.svg", "dup.png");
        assertThat(report.resolve("analysis-a.csv")).isRegularFile();
        assertThat(out.md().toString()).contains("### T");
    }
}
