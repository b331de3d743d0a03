package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A backend (or the peer) has one colour in every figure, whatever its position among the series. */
class FigureColoursTest {

    @Test
    void aBackendKeepsItsColourAcrossFigures() {
        Figure a = Figure.line("a").axes("x", "y");
        a.add("vector", new double[] {1, 2}, new double[] {1, 2});
        a.add("pytorch", new double[] {1, 2}, new double[] {2, 3});
        Figure b = Figure.line("b").axes("x", "y");
        b.add("arrays", new double[] {1, 2}, new double[] {1, 2});
        b.add("nd4j", new double[] {1, 2}, new double[] {1, 2});
        b.add("pytorch", new double[] {1, 2}, new double[] {1, 2});
        b.add("vector", new double[] {1, 2}, new double[] {1, 2});
        Figure c = Figure.bar("c", java.util.List.of("p", "q"));
        c.bars("vector", new double[] {1, 2});
        Map<String, String> seen = new HashMap<>();
        for (Figure f : new Figure[] {a, b, c}) {
            for (JsonNode t : FigureWriter.plotly(f).get("data")) {
                String col = t.has("line") ? t.get("line").path("color").asText() : t.path("marker").path("color").asText();
                String prev = seen.putIfAbsent(t.get("name").asText(), col);
                if (prev != null) assertThat(col).as(t.get("name").asText() + " in " + f.id()).isEqualTo(prev);
            }
        }
        assertThat(seen).containsKeys("vector", "pytorch", "arrays", "nd4j");
        assertThat(FigureWriter.color("vector f32", 5)).isEqualTo(FigureWriter.color("vector", 0)); // a backend's series by dtype
        assertThat(seen.values()).doesNotHaveDuplicates();
    }
}
