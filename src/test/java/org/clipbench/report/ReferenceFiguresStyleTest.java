package org.clipbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.FigureWriter;
import org.clipbench.analysis.Plots;
import org.clipbench.reproductions.ReproductionResults;
import org.junit.jupiter.api.Test;

/**
 * Every figure of the committed reference reports (quick profile, sweeps, paper reproductions), built from
 * their results: a series name has one colour across all of them, no axes holds more than 10 series, and every
 * comparison point carries its interval.
 */
class ReferenceFiguresStyleTest {

    @Test
    void theReferenceReportsFollowTheStyleRules() throws Exception {
        List<Path> inputs = List.of(Path.of("results/reference/quick"), Path.of("results/reference/sweeps"), Path.of("results/reference/paper"));
        Report.Inputs in = Report.discover(inputs);
        List<Figure> figures = new ArrayList<>();
        for (Path input : inputs) {
            // each report on its own (the quick run's digits sweep is also among the sweeps)
            figures.addAll(ScriptFigures.of("kernels", List.of(input)));
            figures.addAll(ScriptFigures.of("convergence", List.of(input)));
        }
        for (Path dir : in.reproductions()) figures.addAll(ReproductionResults.load(dir).figures());
        assertThat(figures).hasSizeGreaterThan(40);

        Map<String, String> colours = new HashMap<>();
        int comparisons = 0;
        for (Figure f : figures) {
            JsonNode fig = FigureWriter.plotly(f);
            Map<String, Set<String>> perAxes = new HashMap<>();
            for (JsonNode t : fig.get("data")) {
                if (t.path("type").asText().equals("contour") || t.path("hoverinfo").asText().equals("skip")) continue;
                String name = t.path("name").asText(), colour = t.path("marker").path("color").asText();
                perAxes.computeIfAbsent(t.path("xaxis").asText("x"), k -> new HashSet<>()).add(name);
                if (!name.equals(Plots.NOT_STEADY)) {
                    String before = colours.putIfAbsent(name, colour);
                    assertThat(colour).as(name + " in " + f.id()).isEqualTo(before == null ? colour : before);
                }
                if (f.kind() == Figure.Kind.DOTS && !name.equals(Plots.NOT_STEADY)) {
                    JsonNode values = t.path("x"), upper = t.path("error_x").path("array"), lower = t.path("error_x").path("arrayminus");
                    for (int i = 0; i < values.size(); i++) {
                        if (values.get(i).isNull()) continue;
                        assertThat(upper.path(i).isNumber() && lower.path(i).isNumber()).as(f.id() + ": " + name + ", point " + i + " has its interval").isTrue();
                    }
                }
            }
            perAxes.forEach((axes, names) -> assertThat(names.size()).as(f.id() + " axes " + axes + ": " + names).isLessThanOrEqualTo(10));
            if (f.kind() == Figure.Kind.DOTS) comparisons++;
        }
        assertThat(comparisons).as("dp-sgd, divergences, strategy cost, safe-norm overhead").isGreaterThanOrEqualTo(5);
    }
}
