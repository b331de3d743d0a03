package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The canary's verdict from readings with known answers: quiet, noisy, too noisy, and which results were measured in noise. */
class NoiseVerdictTest {

    static Path canary(Path dir, double[][] readings) throws Exception {
        StringBuilder sb = new StringBuilder("reading,seconds,after,cpu_ns,memory_ns\n");
        for (int i = 0; i < readings.length; i++) {
            sb.append(i + 1).append(',').append(i).append(",\"").append(i == 0 ? "" : "Combo " + i).append("\",").append(readings[i][0]).append(',')
                    .append(readings[i][1]).append('\n');
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("canary.csv"), sb.toString());
    }

    @Test
    void aQuietMachineIsSaidQuietAndNothingIsNamed(@TempDir Path d) throws Exception {
        double[][] r = new double[20][];
        for (int i = 0; i < 20; i++) r[i] = new double[] {1000 + 5 * (i % 3), 3_000_000 + 10_000 * (i % 4)};
        NoiseVerdict.Verdict v = NoiseVerdict.of(canary(d, r));
        assertThat(v.label()).isEqualTo("quiet");
        assertThat(v.disturbed()).isZero();
        assertThat(v.noisyCombinations()).isEmpty();
        assertThat(NoiseVerdict.headline(NoiseVerdict.files(List.of(d)))).startsWith("**Machine noise**: quiet.")
                .contains("No result was measured next to a disturbed reading");
    }

    /** One reading at 2x: the two combinations beside it are named; the spread says how far readings strayed. */
    @Test
    void theResultsBesideADisturbedReadingAreNamed(@TempDir Path d) throws Exception {
        double[][] r = new double[10][];
        for (int i = 0; i < 10; i++) r[i] = new double[] {1000, 3_000_000};
        r[4] = new double[] {2000, 3_000_000};
        NoiseVerdict.Verdict v = NoiseVerdict.of(canary(d, r));
        assertThat(v.disturbed()).isEqualTo(1);
        assertThat(v.noisyCombinations()).containsExactly("Combo 4", "Combo 5");
        assertThat(v.cpuSpread()).isCloseTo(0.0, within(1e-12)); // the 90th percentile of 10 readings is the 9th: undisturbed
        assertThat(v.label()).isEqualTo("quiet");
        assertThat(NoiseVerdict.headline(List.of(d.resolve("canary.csv")))).contains("Noisy: 2 results were measured next to a disturbed reading")
                .contains("- Combo 4\n- Combo 5\n");
    }

    /** More than a quarter of the readings disturbed (here the memory probe, a neighbour taking bandwidth): too noisy. */
    @Test
    void aBusyMachineIsTooNoisy(@TempDir Path d) throws Exception {
        double[][] r = new double[8][];
        for (int i = 0; i < 8; i++) r[i] = new double[] {1000, i % 2 == 0 ? 3_000_000 : 5_000_000};
        NoiseVerdict.Verdict v = NoiseVerdict.of(canary(d, r));
        assertThat(v.disturbed()).isEqualTo(4);
        assertThat(v.label()).isEqualTo("too noisy");
        assertThat(v.memorySpread()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(NoiseVerdict.headline(List.of(d.resolve("canary.csv")))).startsWith("**Machine noise**: too noisy.")
                .contains("Too noisy for the figures shown: 7 results");
    }
}
