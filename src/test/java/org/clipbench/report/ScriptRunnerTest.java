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
}
