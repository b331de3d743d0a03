package org.clipbench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benjamini-Hochberg in compare: exact adjusted values, and what it does on a large grid (the numbers
 * docs/regression-tracking.md quotes): an A/A of 120 rows, and a 2x slowdown injected into 12 of them,
 * with 5 and with 10 forks per side. Fixed seeds: the counts are exact, not probabilistic.
 */
class FalseDiscoveryTest {
    static final int ROWS = 120, SLOWED = 12;

    @Test
    void adjustedValuesAreBenjaminiHochbergs() {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02
        assertThat(Compare.benjaminiHochberg(new double[] {0.01, 0.04, 0.03, 0.005})).containsExactly(0.02, 0.04, 0.04, 0.02);
        // monotone from the largest p down, and never above 1
        assertThat(Compare.benjaminiHochberg(new double[] {0.9, 0.95, 1.0})).containsExactly(1.0, 1.0, 1.0);
        assertThat(Compare.benjaminiHochberg(new double[] {0.3})).containsExactly(0.3);
        assertThat(Compare.benjaminiHochberg(new double[0])).isEmpty();
    }

    @Test
    void onAnAaGridTheAdjustmentRemovesTheFalseAlarmsOfMultiplicity(@TempDir Path d) throws Exception {
        Path a = grid(d, "a.json", 5, 1, 0), b = grid(d, "b.json", 5, 2, 0);
        Compare.Result raw = Compare.compare(List.of(a), List.of(b), Compare.Settings.defaults().withoutFalseDiscoveryControl());
        Compare.Result bh = Compare.compare(List.of(a), List.of(b), Compare.Settings.defaults());
        System.out.printf("A/A, %d rows, 5 forks: %d false discoveries on raw p, %d with Benjamini-Hochberg%n", ROWS, changed(raw), changed(bh));
        assertThat(changed(raw)).as("raw p: about alpha of the rows called by chance").isBetween(2, 12);
        assertThat(changed(bh)).isZero();
        assertThat(raw.rows()).allSatisfy(r -> assertThat(r.pAdjusted()).isEqualTo(r.p()));
        assertThat(bh.rows()).allSatisfy(r -> assertThat(r.pAdjusted()).isGreaterThanOrEqualTo(r.p()));
        assertThat(Compare.text(bh)).contains("Benjamini-Hochberg adjusted p");
        assertThat(Compare.text(raw)).contains("verdicts on raw p");
    }

    @Test
    void aTwoTimesSlowdownIsFoundWhenForksAreEnoughForTheAdjustment(@TempDir Path d) throws Exception {
        // 10 forks per side: every slowed row is found, with or without the adjustment
        Compare.Result ten = Compare.compare(List.of(grid(d, "a10.json", 10, 3, 0)), List.of(grid(d, "b10.json", 10, 4, SLOWED)), Compare.Settings.defaults());
        assertThat(slowedFound(ten)).isEqualTo(SLOWED);
        // 5 forks per side: a rank test's smallest p (about 0.009) times 120/12 exceeds 0.05, so the adjustment calls none by
        // its test (compare says so); but every slowed row's forks are all beyond the base's by more than 5%: complete
        // separation calls them whatever the family
        Path a5 = grid(d, "a5.json", 5, 3, 0), b5 = grid(d, "b5.json", 5, 4, SLOWED);
        Compare.Result five = Compare.compare(List.of(a5), List.of(b5), Compare.Settings.defaults());
        Compare.Result fiveRaw = Compare.compare(List.of(a5), List.of(b5), Compare.Settings.defaults().withoutFalseDiscoveryControl());
        System.out.printf("2x slowdown in %d of %d rows: found %d with 10 forks (BH), %d with 5 forks (BH), %d with 5 forks (raw p)%n",
                SLOWED, ROWS, slowedFound(ten), slowedFound(five), slowedFound(fiveRaw));
        assertThat(slowedFound(fiveRaw)).isEqualTo(SLOWED);
        assertThat(slowedFound(five)).isEqualTo(SLOWED);
        assertThat(five.rows().stream().filter(x -> x.key().contains("slowed=yes")))
                .allMatch(x -> x.why().startsWith("every candidate fork slower than every base fork"));
        assertThat(Compare.text(five)).contains("smallest p a row can reach");
        assertThat(Compare.text(ten)).doesNotContain("smallest p a row can reach");
    }

    static int changed(Compare.Result r) {
        return (int) r.rows().stream().filter(x -> x.verdict() == Compare.Verdict.SLOWER || x.verdict() == Compare.Verdict.FASTER).count();
    }

    static int slowedFound(Compare.Result r) {
        return (int) r.rows().stream().filter(x -> x.verdict() == Compare.Verdict.SLOWER && x.key().contains("slowed=yes")).count();
    }

    /**
     * A JMH JSON grid of ROWS benchmarks: each fork's level drawn around 1000 ns with 5% spread (forks of
     * one JVM differ like that), its 3 iterations within 0.2%; the first {@code slowed} rows (of the SLOWED
     * marked "slowed=yes" on both sides) take twice as long.
     */
    static Path grid(Path dir, String file, int forks, long seed, int slowed) throws Exception {
        Random rng = new Random(seed);
        List<Map<String, Object>> out = new ArrayList<>();
        for (int row = 0; row < ROWS; row++) {
            double level = row < slowed ? 2000 : 1000;
            List<double[]> raw = new ArrayList<>();
            for (int f = 0; f < forks; f++) {
                double fork = level * (1 + 0.05 * rng.nextGaussian());
                raw.add(new double[] {fork * (1 + 0.002 * rng.nextGaussian()), fork * (1 + 0.002 * rng.nextGaussian()), fork * (1 + 0.002 * rng.nextGaussian())});
            }
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("score", level);
            metric.put("scoreError", 0.0);
            metric.put("scoreUnit", "ns/op");
            metric.put("rawData", raw);
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("benchmark", "org.clipbench.bench.X.m");
            rec.put("mode", "avgt");
            rec.put("params", Map.of("row", String.format("%03d", row), "slowed", row < SLOWED ? "yes" : "no"));
            rec.put("primaryMetric", metric);
            out.add(rec);
        }
        Path f = dir.resolve(file);
        new ObjectMapper().writeValue(f.toFile(), out);
        return f;
    }
}
