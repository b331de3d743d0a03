package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The A/B per combination end to end, through the shaded jar: both builds' forks of each combination run in rounds
 * (base-k/, candidate-k/), the base's forks really load the base jar (a base jar without the norm benchmark's generated
 * class fails exactly its base forks), and the pairs are compared into compare.txt.
 */
class AbPerCombinationIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of("target", "it-runs", "ab");
    static final String[] GRID = {"--profile", "quick", "--benchmarks", "NormBenchmark", "--backends", "vector", "--data", "flat-4K",
            "--dtypes", "f32", "--jmh", "-wi 1 -w 100ms -i 2 -r 100ms", "--pairs", "2", "--max-pairs", "2", "--forks-per-round", "1"};

    @Test
    void roundsOfBothBuildsRunAndTheBaseForksRunTheBaseJar() throws Exception {
        SmokeProfileIT.deleteRecursively(ROOT);
        Path base = ROOT.resolve("base-checkout");
        Files.createDirectories(base.resolve("target"));
        Files.createSymbolicLink(base.resolve("target").resolve("benchmarks.jar"), Path.of("target", "benchmarks.jar").toAbsolutePath());

        Path out = ROOT.resolve("aa");
        Files.createDirectories(out);
        Process p = SmokeProfileIT.start(ROOT.resolve("aa.log"), args(base, out));
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(ROOT.resolve("aa.log"));
        // 2 pairs cannot exclude a 5% slowdown: inconclusive (5) or judged (0), never a failure or a regression of an A/A
        assertThat(p.exitValue()).as(log).isIn(0, 5);
        int combos = JSON.readTree(out.resolve("grid.json").toFile()).size();
        assertThat(combos).as("the norms alone: an A/B leaves the memory limit's primitives out").isEqualTo(3);
        for (String side : List.of("base-1", "base-2", "candidate-1", "candidate-2")) {
            assertThat(JSON.readTree(out.resolve(side).resolve("results.json").toFile())).as(side).hasSize(combos);
            JsonNode env = JSON.readTree(out.resolve(side).resolve("environment.json").toFile());
            assertThat(env.path("ab_side").asText()).isEqualTo(side.substring(0, side.indexOf('-')));
        }
        assertThat(Files.readString(out.resolve("base-1").resolve("java-omp1.sh"))).contains("-cp", base.resolve("target").toAbsolutePath().toString());
        assertThat(Files.readString(out.resolve("candidate-1").resolve("java-omp1.sh"))).doesNotContain("-cp");
        JsonNode pairs = JSON.readTree(out.resolve("pairs.json").toFile());
        pairs.forEach(n -> assertThat(n.asInt()).isEqualTo(2));
        assertThat(Files.readString(out.resolve("compare.txt"))).contains("outcome: ").contains("NormBenchmark.norm");
        assertThat(JSON.readTree(out.resolve("ab.json").toFile()).path("plan").path("duet").asBoolean()).isTrue();

        // a base jar without the norm benchmark's generated code: its forks fail, the candidate's run
        Path broken = ROOT.resolve("broken-checkout");
        try (var zip = jarCopyIn(broken)) {
            Files.delete(zip.getPath("org/clipbench/bench/jmh_generated/NormBenchmark_norm_jmhTest.class"));
        }
        Path out2 = ROOT.resolve("broken");
        Files.createDirectories(out2);
        Process q = SmokeProfileIT.start(ROOT.resolve("broken.log"), args(broken, out2));
        assertThat(q.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log2 = Files.readString(ROOT.resolve("broken.log"));
        assertThat(q.exitValue()).as(log2).isEqualTo(1);
        List<String> failures = Files.readAllLines(out2.resolve("failures.txt"));
        // one failed round per combination, then no more: it ran round after round for ever, its pairs never growing
        assertThat(failures).hasSize(combos).allMatch(f -> f.startsWith("base round 1: ") && f.contains("NormBenchmark"));
        assertThat(JSON.readTree(out2.resolve("candidate-1").resolve("results.json").toFile())).hasSize(combos);
    }

    @Test
    void aBaseWithOtherBenchmarkParametersIsRefusedWithExitFour() throws Exception {
        Path base = ROOT.resolve("other-params-checkout");
        try (var zip = jarCopyIn(base)) {
            Path list = zip.getPath("META-INF/BenchmarkList");
            Files.writeString(list, Files.readString(list).replace(" 4 kind ", " 4 kink "));
        }
        Path out = ROOT.resolve("refused");
        Files.createDirectories(out);
        Process p = SmokeProfileIT.start(ROOT.resolve("refused.log"), args(base, out));
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(ROOT.resolve("refused.log"));
        assertThat(p.exitValue()).as(log).isEqualTo(4);
        assertThat(log).contains("cannot run this build's forks pair by pair", "NormBenchmark.norm has parameters");
        assertThat(out.resolve("ab.json")).doesNotExist();
    }

    /** A checkout holding a copy of this build's jar, opened for editing (the edits land when it is closed). */
    private static java.nio.file.FileSystem jarCopyIn(Path checkout) throws Exception {
        Files.createDirectories(checkout.resolve("target"));
        Path jar = Files.copy(Path.of("target", "benchmarks.jar"), checkout.resolve("target").resolve("benchmarks.jar"), StandardCopyOption.REPLACE_EXISTING);
        return FileSystems.newFileSystem(URI.create("jar:" + jar.toAbsolutePath().toUri()), Map.of());
    }

    private static String[] args(Path base, Path out) {
        List<String> a = new ArrayList<>(List.of("ab", "--base", base.toString(), "--out", out.toString()));
        a.addAll(List.of(GRID));
        return a.toArray(String[]::new);
    }
}
