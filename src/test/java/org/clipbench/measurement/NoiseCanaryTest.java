package org.clipbench.measurement;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The canary writes a reading per call, positive times, and a resumed run goes on numbering its readings. */
class NoiseCanaryTest {

    @Test
    void readingsAreWrittenAndAResumeContinuesThem(@TempDir Path d) throws Exception {
        Path csv = d.resolve("canary.csv");
        NoiseCanary c = NoiseCanary.start(csv);
        c.read("NormBenchmark backend=vector");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("reading,seconds,after,cpu_ns,memory_ns");
        assertThat(lines.get(1)).startsWith("1,").contains(",\"\",");
        assertThat(lines.get(2)).startsWith("2,").contains(",\"NormBenchmark backend=vector\",");
        for (String l : lines.subList(1, 3)) {
            String[] f = l.split(",");
            assertThat(Double.parseDouble(f[f.length - 2])).isPositive();
            assertThat(Double.parseDouble(f[f.length - 1])).isPositive();
        }
        NoiseCanary.start(csv).read("next");
        List<String> again = Files.readAllLines(csv);
        assertThat(again).hasSize(5);
        assertThat(again.get(3)).startsWith("3,").contains("\"(resumed)\"");
        assertThat(again.get(4)).startsWith("4,").contains("\"next\"");
    }
}
