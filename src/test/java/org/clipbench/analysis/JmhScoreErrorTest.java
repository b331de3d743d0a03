package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The interval given to rows without one (the PyTorch peer) is JMH's own: checked on every row JMH measured. */
class JmhScoreErrorTest {

    @Test
    void scoreErrorIsWhatJmhReports() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(Path.of("results/reference/quick/results.json").toFile());
        int checked = 0;
        for (JsonNode r : rows) {
            JsonNode pm = r.get("primaryMetric");
            if (r.path("jmhVersion").asText().equals("pytorch-peer") || !pm.path("scoreError").isNumber()) continue;
            List<Double> all = new ArrayList<>();
            pm.get("rawData").forEach(fork -> fork.forEach(v -> all.add(v.asDouble())));
            double expected = pm.get("scoreError").asDouble();
            assertThat(JmhResults.scoreError(all.stream().mapToDouble(Double::doubleValue).toArray()))
                    .as(r.get("benchmark").asText()).isCloseTo(expected, within(Math.abs(expected) * 1e-9));
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
        assertThat(JmhResults.scoreError(new double[] {5})).isNaN();
    }
}
