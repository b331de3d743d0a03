package org.clipbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;

/** The figures the project's analysis/report/ scripts of one section draw for some inputs, as the report runs them. */
final class ScriptFigures {
    private ScriptFigures() {
    }

    static List<Figure> of(String folder, List<Path> inputs) throws IOException {
        List<String> problems = new ArrayList<>();
        Report.Inputs in = Report.discover(inputs).loaded(problems);
        ReportSection.Output out = new ReportSection.Output(Path.of("target"), Map.of(), problems, new StringBuilder());
        List<Figure> figures = new SectionScripts(SectionScripts.PROJECT_FOLDER).run(folder, in, out).figures();
        assertThat(problems).as("problems running analysis/report/" + folder).isEmpty();
        return figures;
    }
}
