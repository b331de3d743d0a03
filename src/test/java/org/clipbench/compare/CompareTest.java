package org.clipbench.compare;

import org.clipbench.analysis.JmhResults;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's statistics on synthetic samples with known answers, direction per mode, and bad input. */
class CompareTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A JMH JSON file with one record per (name, mode, samples). */
    static Path jmh(Path dir, String file, Object[]... records) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object[] rec : records) {
            double[] samples = (double[]) rec[2];
            Map<String, Object> pm = new LinkedHashMap<>();
            double mean = java.util.Arrays.stream(samples).average().orElse(0);
            pm.put("score", mean);
            pm.put("scoreError", 0.0);
            pm.put("scoreUnit", rec[1].equals("thrpt") ? "ops/s" : "ns/op");
            pm.put("rawData", List.of(samples));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("benchmark", "org.clipbench.bench." + rec[0]);
            r.put("mode", rec[1]);
            r.put("params", Map.of("backend", "arrays"));
            r.put("primaryMetric", pm);
            out.add(r);
        }
        Path f = dir.resolve(file);
        JSON.writeValue(f.toFile(), out);
        return f;
    }

    static double[] noisy(long seed, int n, double center, double relNoise) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = center * (1 + relNoise * (2 * r.nextDouble() - 1));
        return x;
    }

    static Compare.Result compare(Path a, Path b) throws Exception {
        return Compare.compare(List.of(a), List.of(b), Compare.Settings.defaults());
    }

    @Test
    void identicalSamplesShowNoChange(@TempDir Path d) throws Exception {
        double[] s = noisy(1, 10, 1000, 0.02);
        var r = compare(jmh(d, "a.json", new Object[] {"X.m", "avgt", s}), jmh(d, "b.json", new Object[] {"X.m", "avgt", s.clone()}));
        assertThat(r.rows()).singleElement().satisfies(row -> {
            assertThat(row.verdict()).isEqualTo(Compare.Verdict.NO_CHANGE);
            assertThat(row.ratio()).isEqualTo(1.0);
            assertThat(row.p()).isGreaterThan(0.5);
        });
        assertThat(r.regressed()).isFalse();
    }

    @Test
    void aTwentyPercentShiftWithLowNoiseIsDetectedInTheRightDirection(@TempDir Path d) throws Exception {
        Path a = jmh(d, "a.json", new Object[] {"X.m", "avgt", noisy(1, 10, 1000, 0.02)}, new Object[] {"Y.m", "thrpt", noisy(2, 10, 500, 0.02)});
        Path b = jmh(d, "b.json", new Object[] {"X.m", "avgt", noisy(3, 10, 1200, 0.02)}, new Object[] {"Y.m", "thrpt", noisy(4, 10, 600, 0.02)});
        var r = compare(a, b);
        var x = r.rows().stream().filter(row -> row.key().startsWith("X.m")).findFirst().orElseThrow();
        var y = r.rows().stream().filter(row -> row.key().startsWith("Y.m")).findFirst().orElseThrow();
        assertThat(x.verdict()).as("avgt: more time is slower").isEqualTo(Compare.Verdict.SLOWER);
        assertThat(x.ratio()).isBetween(1.15, 1.25);
        assertThat(x.ciLow()).isGreaterThan(1.1);
        assertThat(x.p()).isLessThan(0.01);
        assertThat(y.verdict()).as("thrpt: more ops/s is faster").isEqualTo(Compare.Verdict.FASTER);
        assertThat(r.regressed()).isTrue();
        assertThat(r.geomeanRatio()).isBetween(1.15, 1.25);
    }

    /**
     * Noise that hides a 5% slowdown is no pass: 20% noise on 10 iterations cannot exclude one, so the row is unreliable
     * and the comparison inconclusive (it was "no change" and exit 0: the noisier the runner, the more regressions passed).
     */
    @Test
    void aTwoPercentShiftInNoisyDataIsInconclusiveNotAPass(@TempDir Path d) throws Exception {
        var r = compare(jmh(d, "a.json", new Object[] {"X.m", "avgt", noisy(5, 10, 1000, 0.2)}),
                jmh(d, "b.json", new Object[] {"X.m", "avgt", noisy(6, 10, 1020, 0.2)}));
        assertThat(r.rows().get(0).verdict()).isEqualTo(Compare.Verdict.UNRELIABLE);
        assertThat(r.rows().get(0).why()).startsWith("its 95% interval [").endsWith("cannot exclude a slowdown of 5%: measure more forks");
        assertThat(r.regressed()).isFalse();
        assertThat(r.inconclusive()).isTrue();
        assertThat(Compare.text(r)).contains("outcome: INCONCLUSIVE");
        // the same shift measured precisely is judged: no change (2% is below the minimum effect)
        var precise = compare(jmh(d, "c.json", new Object[] {"X.m", "avgt", noisy(5, 10, 1000, 0.002)}),
                jmh(d, "e.json", new Object[] {"X.m", "avgt", noisy(6, 10, 1020, 0.002)}));
        assertThat(precise.rows().get(0).verdict()).isEqualTo(Compare.Verdict.NO_CHANGE);
        assertThat(precise.inconclusive()).isFalse();
    }

    @Test
    void aSignificantButTinyChangeIsBelowTheMinimumEffect(@TempDir Path d) throws Exception {
        var r = compare(jmh(d, "a.json", new Object[] {"X.m", "avgt", noisy(7, 30, 1000, 0.001)}),
                jmh(d, "b.json", new Object[] {"X.m", "avgt", noisy(8, 30, 1020, 0.001)}));
        assertThat(r.rows().get(0).p()).isLessThan(0.001);
        assertThat(r.rows().get(0).verdict()).isEqualTo(Compare.Verdict.NO_CHANGE);
    }

    @Test
    void benchmarksOnOneSideAreListedNotDropped(@TempDir Path d) throws Exception {
        var r = compare(jmh(d, "a.json", new Object[] {"X.m", "avgt", noisy(1, 5, 10, 0.01)}, new Object[] {"Old.m", "avgt", noisy(1, 5, 10, 0.01)}),
                jmh(d, "b.json", new Object[] {"X.m", "avgt", noisy(1, 5, 10, 0.01)}, new Object[] {"New.m", "avgt", noisy(1, 5, 10, 0.01)}));
        assertThat(r.onlyBase()).singleElement().asString().startsWith("Old.m");
        assertThat(r.onlyCandidate()).singleElement().asString().startsWith("New.m");
        assertThat(Compare.markdown(r)).contains("only in base: `Old.m").contains("**geomean**");
        assertThat(Compare.csv(r)).contains("ONLY_IN_CANDIDATE");
        assertThat(Compare.text(r)).contains("only in candidate: New.m");
    }

    @Test
    void modesMustMatchAndBeKnown(@TempDir Path d) throws Exception {
        assertThatThrownBy(() -> compare(jmh(d, "a.json", new Object[] {"X.m", "avgt", noisy(1, 5, 10, 0.01)}),
                jmh(d, "b.json", new Object[] {"X.m", "thrpt", noisy(1, 5, 10, 0.01)}))).hasMessageContaining("rerun both the same way");
        assertThatThrownBy(() -> compare(jmh(d, "c.json", new Object[] {"X.m", "weird", noisy(1, 5, 10, 0.01)}),
                jmh(d, "e.json", new Object[] {"X.m", "weird", noisy(1, 5, 10, 0.01)}))).hasMessageContaining("unknown JMH mode 'weird'");
        Path broken = d.resolve("broken.json");
        Files.writeString(broken, "[{\"benchmark\": ");
        assertThatThrownBy(() -> compare(broken, broken)).isInstanceOf(JmhResults.BadInputException.class).hasMessageContaining("broken.json");
    }

    /** A JMH JSON file with one record whose forks are given separately. */
    static Path forks(Path dir, String file, double[]... forkSamples) throws Exception {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("score", 1.0);
        pm.put("scoreError", 0.0);
        pm.put("scoreUnit", "ns/op");
        pm.put("rawData", List.of(forkSamples));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "org.clipbench.bench.X.m");
        r.put("mode", "avgt");
        r.put("params", Map.of());
        r.put("primaryMetric", pm);
        Path f = dir.resolve(file);
        JSON.writeValue(f.toFile(), List.of(r));
        return f;
    }

    @Test
    void forksNotIterationsAreTheSamplesWhenThereAreEnough(@TempDir Path d) throws Exception {
        // forks land at 100 or 130 (bimodal, as JIT and layout make them); iterations within a fork agree
        double[] fast = {100, 100.5, 99.5}, slow = {130, 130.5, 129.5};
        Path a = forks(d, "a.json", fast, fast, slow, fast, slow);
        Path b = forks(d, "b.json", slow, fast, slow, slow, fast);
        var r = compare(a, b);
        assertThat(r.rows().get(0).forkLevel()).isTrue();
        assertThat(r.rows().get(0).base().forks()).isEqualTo(5);
        // same fork distribution: not called changed; 5 bimodal forks cannot exclude a 5% slowdown either
        assertThat(r.rows().get(0).verdict()).isEqualTo(Compare.Verdict.UNRELIABLE);
        assertThat(r.regressed()).isFalse();
        // the same data judged by iterations of one fork each would call it
        var single = compare(forks(d, "c.json", fast), forks(d, "e.json", slow));
        assertThat(single.rows().get(0).forkLevel()).isFalse();
        assertThat(single.rows().get(0).verdict()).isEqualTo(Compare.Verdict.SLOWER);
        assertThat(Compare.text(single)).contains("fewer than 5 forks");
        // a real shift of every fork is still found at fork level
        double[] slower = {200, 200.5, 199.5};
        var shifted = compare(a, forks(d, "f.json", slower, slower, slower, slower, slower));
        assertThat(shifted.rows().get(0).verdict()).isEqualTo(Compare.Verdict.SLOWER);
    }

    @Test
    void directionComesFromEveryJmhMode() {
        assertThat(Compare.higherIsBetter("thrpt", "k")).isTrue();
        for (String lowerIsBetter : new String[] {"avgt", "sample", "ss"}) assertThat(Compare.higherIsBetter(lowerIsBetter, "k")).isFalse();
        assertThatThrownBy(() -> Compare.higherIsBetter("all", "k")).hasMessageContaining("unknown JMH mode 'all'");
    }

    @Test
    void exitCodesFromTheCommandLine(@TempDir Path d) throws Exception {
        Path a = jmh(d, "a.json", new Object[] {"X.m", "avgt", noisy(1, 10, 1000, 0.02)});
        Path same = jmh(d, "same.json", new Object[] {"X.m", "avgt", noisy(9, 10, 1000, 0.02)});
        Path slow = jmh(d, "slow.json", new Object[] {"X.m", "avgt", noisy(3, 10, 1300, 0.02)});
        var cl = org.clipbench.cli.MainAccess.commandLine();
        assertThat(cl.execute("compare", a.toString(), same.toString())).isZero();
        assertThat(cl.execute("compare", a.toString(), slow.toString(), "--format", "markdown")).isEqualTo(1);
        Path noisy = jmh(d, "noisy.json", new Object[] {"X.m", "avgt", noisy(4, 10, 1000, 0.3)});
        assertThat(cl.execute("compare", a.toString(), noisy.toString())).as("inconclusive, never 0").isEqualTo(5);
        assertThat(cl.execute("compare", a.toString(), d.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(cl.execute("compare", a.toString(), same.toString(), "--format", "xml")).isEqualTo(2);
    }

    @Test
    void aSideStillWarmingUpIsUnreliableNotSlower(@TempDir Path dir) throws Exception {
        // the candidate's iterations fall all through measurement: its median says more about the JIT than the code
        Path base = jmh(dir, "a.json", new Object[] {"X.m", "avgt", noisy(1, 10, 1000, 0.01)});
        double[] falling = new double[10];
        for (int i = 0; i < 10; i++) falling[i] = 1600 - 40 * i;
        Path cand = jmh(dir, "b.json", new Object[] {"X.m", "avgt", falling});
        Compare.Result r = compare(base, cand);
        assertThat(r.rows().get(0).verdict()).isEqualTo(Compare.Verdict.UNRELIABLE);
        assertThat(r.rows().get(0).why()).startsWith("not at steady state: candidate still falling");
        assertThat(r.regressed()).isFalse();
        assertThat(Compare.text(r)).contains("unreliable: X.m");
        // the same candidate measured at steady state is called slower
        Path steady = jmh(dir, "c.json", new Object[] {"X.m", "avgt", noisy(2, 10, 1420, 0.01)});
        assertThat(compare(base, steady).rows().get(0).verdict()).isEqualTo(Compare.Verdict.SLOWER);
    }

    /**
     * The case: base forks at 100/150/100 ns, candidate forks at 200/300/200 ns, every candidate fork slower
     * than every base fork. The forks disagree (spreads of 50%), which made every row unreliable and compare exit 0;
     * complete separation by more than the minimum effect is a regression whatever the spread.
     */
    @Test
    void everyCandidateForkSlowerThanEveryBaseForkIsARegressionWhateverTheSpread(@TempDir Path d) throws Exception {
        double[] f100 = {100, 101, 99}, f150 = {150, 151, 149}, f200 = {200, 201, 199}, f300 = {300, 301, 299};
        var r = compare(forks(d, "a.json", f100, f150, f100), forks(d, "b.json", f200, f300, f200));
        assertThat(r.rows().get(0).verdict()).isEqualTo(Compare.Verdict.SLOWER);
        assertThat(r.rows().get(0).why()).isEqualTo("every candidate fork slower than every base fork by more than 5% (3 and 3 forks)");
        var cl = org.clipbench.cli.MainAccess.commandLine();
        assertThat(cl.execute("compare", d.resolve("a.json").toString(), d.resolve("b.json").toString())).isEqualTo(1);
        // negative control: overlapping forks (one candidate fork among the base's) are not separated: no regression by this rule
        var overlap = compare(forks(d, "c.json", f100, f150, f100), forks(d, "e.json", f200, f150, f200));
        assertThat(overlap.rows().get(0).verdict()).isNotEqualTo(Compare.Verdict.SLOWER);
        // and separated by less than the minimum effect is no regression either
        double[] f103 = {103, 104, 102}, f104 = {104, 105, 103};
        var close = compare(forks(d, "g.json", f100, f100, f100), forks(d, "h.json", f103, f104, f103));
        assertThat(close.rows().get(0).why()).doesNotStartWith("every candidate fork");
    }

    /**
     * Pairing is what makes a busy machine usable: each pair of forks ran at the same time and shares its machine
     * state (here a load factor of 0.6-1.6 drawn per pair, on both sides), so the pair's ratio keeps the 10% slowdown
     * while the forks pooled cannot see it through the load's spread.
     */
    @Test
    void pairedForksFindASlowdownThatTheLoadHidesFromPooledForks(@TempDir Path d) throws Exception {
        Path ab = d.resolve("ab");
        SplittableRandom load = new SplittableRandom(11);
        for (int k = 1; k <= 3; k++) {
            double[][] base = new double[4][], cand = new double[4][];
            for (int j = 0; j < 4; j++) {
                double factor = 0.6 + load.nextDouble();
                base[j] = noisy(100 * k + j, 5, 1000 * factor, 0.01);
                cand[j] = noisy(200 * k + j, 5, 1100 * factor, 0.01);
            }
            Files.createDirectories(ab.resolve("base-" + k));
            Files.createDirectories(ab.resolve("candidate-" + k));
            forks(ab.resolve("base-" + k), "results.json", base);
            forks(ab.resolve("candidate-" + k), "results.json", cand);
        }
        var paired = Compare.compareAb(ab, Compare.Settings.defaults());
        assertThat(paired.rows().get(0).paired()).isTrue();
        assertThat(paired.rows().get(0).base().forks()).isEqualTo(12);
        assertThat(paired.rows().get(0).verdict()).isEqualTo(Compare.Verdict.SLOWER);
        assertThat(paired.rows().get(0).ratio()).isCloseTo(1.1, org.assertj.core.data.Offset.offset(0.02));
        List<Path> bases = new ArrayList<>(), cands = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            bases.add(ab.resolve("base-" + k));
            cands.add(ab.resolve("candidate-" + k));
        }
        var pooled = Compare.compare(bases, cands, Compare.Settings.defaults());
        assertThat(pooled.rows().get(0).verdict()).as(Compare.text(pooled)).isEqualTo(Compare.Verdict.UNRELIABLE);
        var cl = org.clipbench.cli.MainAccess.commandLine();
        assertThat(cl.execute("compare", "--ab", ab.toString())).isEqualTo(1);
        assertThat(cl.execute("compare", "--ab", ab.toString(), bases.get(0).toString())).isEqualTo(2);
    }

    /** A/A pairs under the same load: judged no change (the interval excludes 5%), exit 0. */
    @Test
    void pairedForksOfTheSameCodeAreNoChange(@TempDir Path d) throws Exception {
        Path ab = d.resolve("ab");
        SplittableRandom load = new SplittableRandom(12);
        for (int k = 1; k <= 2; k++) {
            double[][] base = new double[4][], cand = new double[4][];
            for (int j = 0; j < 4; j++) {
                double factor = 0.6 + load.nextDouble();
                base[j] = noisy(300 * k + j, 5, 1000 * factor, 0.01);
                cand[j] = noisy(400 * k + j, 5, 1000 * factor, 0.01);
            }
            Files.createDirectories(ab.resolve("base-" + k));
            Files.createDirectories(ab.resolve("candidate-" + k));
            forks(ab.resolve("base-" + k), "results.json", base);
            forks(ab.resolve("candidate-" + k), "results.json", cand);
        }
        var r = Compare.compareAb(ab, Compare.Settings.defaults());
        assertThat(r.rows().get(0).verdict()).as(Compare.text(r)).isEqualTo(Compare.Verdict.NO_CHANGE);
        assertThat(org.clipbench.cli.MainAccess.commandLine().execute("compare", "--ab", ab.toString())).isZero();
    }
}
