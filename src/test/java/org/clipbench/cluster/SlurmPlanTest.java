package org.clipbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Slurm plan and scripts as written, and the merge's shard check on shard folders made by hand (no Slurm needed). */
class SlurmPlanTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> BENCH_ARGS = List.of("--profile", "smoke", "--benchmarks", "NormBenchmark", "--backends", "arrays,vector", "--dtypes", "f64");

    static SlurmPlan bench(int shards) {
        return new SlurmPlan("bench", BENCH_ARGS, shards, "compute", "01:00:00", "proj", List.of("--qos=long"), 2, List.of());
    }

    @Test
    void benchShardsAreExclusiveAndSweepShardsAskForCpus(@TempDir Path d) throws Exception {
        Path jar = Files.writeString(d.resolve("b.jar"), "not really a jar");
        Slurm.prepare(bench(3), d.resolve("run"), jar);
        String shards = Files.readString(SlurmScripts.shardsScript(d.resolve("run")));
        assertThat(shards).contains("#SBATCH --exclusive").contains("#SBATCH --partition=compute").contains("#SBATCH --time=01:00:00")
                .contains("#SBATCH --account=proj").contains("#SBATCH --qos=long").contains("--shard \"$k/3\"").contains("--no-sweep")
                .contains("--javacpp-cache \"$scratch/javacpp\"").contains("OMP_NUM_THREADS=1").contains("shard-$k.exit")
                .doesNotContain("--cpus-per-task");
        assertThat(Files.readString(SlurmScripts.mergeScript(d.resolve("run")))).contains("slurm merge").contains(d.resolve("run").toAbsolutePath().toString());
        assertThat(SlurmScripts.jar(d.resolve("run"))).hasContent("not really a jar");
        assertThat(SlurmPlan.read(d.resolve("run"))).isEqualTo(bench(3));

        SlurmPlan sweep = new SlurmPlan("sweep", List.of("--preset", "smoke", "--strategies", "none;global-norm:c=1"), 2, null, null, null, List.of(), 4, List.of());
        Slurm.prepare(sweep, d.resolve("sweep"), jar);
        String s = Files.readString(SlurmScripts.shardsScript(d.resolve("sweep")));
        assertThat(s).contains("#SBATCH --cpus-per-task=4").doesNotContain("--exclusive").contains("--threads 4")
                .contains("'none;global-norm:c=1'").doesNotContain("#SBATCH --partition");
    }

    @Test
    void badPlansAreRefusedWithTheFix(@TempDir Path d) {
        assertThatThrownBy(() -> new SlurmPlan("bench", List.of("--shard", "1/2"), 2, null, null, null, List.of(), 1, List.of()))
                .hasMessageContaining("leave out --shard");
        assertThatThrownBy(() -> new SlurmPlan("bench", List.of("--out=x"), 2, null, null, null, List.of(), 1, List.of())).hasMessageContaining("leave out --out");
        assertThatThrownBy(() -> new SlurmPlan("bench", List.of(), 0, null, null, null, List.of(), 1, List.of())).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new SlurmPlan("paper", List.of(), 2, null, null, null, List.of(), 1, List.of())).hasMessageContaining("bench, sweep or reproduce");
        assertThatThrownBy(() -> new SlurmPlan("reproduce", List.of(), 3, null, null, null, List.of(), 1, List.of("a", "b")))
                .hasMessageContaining("only 2 reproductions");
        assertThatThrownBy(() -> new SlurmPlan("reproduce", List.of("--only", "a"), 1, null, null, null, List.of(), 1, List.of("a")))
                .hasMessageContaining("leave out --only");
        assertThatThrownBy(() -> SlurmPlan.read(d)).hasMessageContaining("no slurm/plan.json");
        assertThatThrownBy(() -> Slurm.prepare(bench(2), d.resolve("with space"), d.resolve("x.jar"))).hasMessageContaining("spaces");
    }

    @Test
    void reproductionsAreSharedOutRoundRobinAndEachMustFinishInItsShard(@TempDir Path d) throws Exception {
        SlurmPlan plan = new SlurmPlan("reproduce", List.of(), 2, null, null, null, List.of(), 2, List.of("a", "b", "c"));
        assertThat(plan.reproductionsOf(1)).containsExactly("a", "c");
        assertThat(plan.reproductionsOf(2)).containsExactly("b");
        Path jar = Files.writeString(d.resolve("b.jar"), "jar");
        Path r = d.resolve("run");
        Slurm.prepare(plan, r, jar);
        assertThat(Files.readString(SlurmScripts.shardsScript(r))).contains("1) only=a,c ;;").contains("2) only=b ;;")
                .contains("reproduce --only \"$only\" --threads 2").contains("#SBATCH --cpus-per-task=2").doesNotContain("--exclusive");
        for (String[] kid : new String[][] {{"1", "a"}, {"1", "c"}, {"2", "b"}}) {
            Path dir = Files.createDirectories(r.resolve("shard-" + kid[0]).resolve(kid[1]));
            Files.writeString(dir.resolve("reproduction.json"), "{}");
            Files.writeString(dir.resolve("timing.json"), "{}");
        }
        Files.writeString(SlurmPlan.exitFileOf(r, 1), "0");
        Files.writeString(SlurmPlan.exitFileOf(r, 2), "0");
        assertThat(ShardCheck.check(plan, r).problems()).isEmpty();
        Files.delete(r.resolve("shard-1/c/timing.json"));
        assertThat(ShardCheck.check(plan, r).problems()).singleElement().asString().contains("shard 1: reproduction c did not finish");
        assertThat(ShardCheck.check(plan, r).incomplete()).containsExactly(1);
    }

    /** Shard folders as a finished bench submission leaves them: grid.json, one result per combination, an exit status. */
    static Path finishedBench(Path results, int shards) throws Exception {
        SlurmPlan plan = bench(shards);
        Files.createDirectories(results.resolve("slurm"));
        plan.write(results);
        Filters filters = new Filters(List.of("arrays", "vector"), null, null, List.of("f64"), null, List.of("NormBenchmark"));
        Grid full = Grid.build(Profile.named("smoke"), filters);
        for (int k = 1; k <= shards; k++) {
            Path dir = Files.createDirectories(SlurmPlan.shardFolder(results, k));
            Map<String, Object> env = new LinkedHashMap<>();
            env.put("profile", "smoke");
            env.put("filters", filters);
            JSON.writeValue(dir.resolve("environment.json").toFile(), env);
            List<Combo> mine = full.shard(k, shards).combos();
            JSON.writeValue(dir.resolve("grid.json").toFile(), mine);
            Files.createDirectories(dir.resolve("jmh"));
            for (Combo c : mine) Files.writeString(BenchRunner.resultFile(dir, c), "[{\"primaryMetric\": {\"score\": 1.0}}]");
            Files.writeString(SlurmPlan.exitFileOf(results, k), "0\n");
            Files.writeString(SlurmPlan.logOf(results, k), "log\n");
        }
        return results;
    }

    @Test
    void aCompleteRunPassesAndEachDefectIsNamedWithItsShard(@TempDir Path d) throws Exception {
        Path ok = finishedBench(d.resolve("ok"), 2);
        assertThat(ShardCheck.check(bench(2), ok).problems()).isEmpty();

        Path failed = finishedBench(d.resolve("failed"), 2);
        Files.writeString(SlurmPlan.exitFileOf(failed, 2), "2\n");
        ShardCheck.Outcome f = ShardCheck.check(bench(2), failed);
        assertThat(f.problems()).singleElement().asString().contains("shard 2 (array index 2): failed with exit status 2")
                .contains(SlurmPlan.logOf(failed, 2).toString());
        assertThat(f.incomplete()).containsExactly(2);

        Path killed = finishedBench(d.resolve("killed"), 2);
        Files.delete(SlurmPlan.exitFileOf(killed, 1));
        assertThat(ShardCheck.check(bench(2), killed).problems()).singleElement().asString().contains("shard 1").contains("no exit status");

        Path noResult = finishedBench(d.resolve("noresult"), 2);
        List<Combo> grid1 = List.of(JSON.readValue(noResult.resolve("shard-1/grid.json").toFile(), Combo[].class));
        Files.delete(BenchRunner.resultFile(noResult.resolve("shard-1"), grid1.get(0)));
        ShardCheck.Outcome n = ShardCheck.check(bench(2), noResult);
        assertThat(n.problems()).singleElement().asString().contains("shard 1: 1 of " + grid1.size() + " combinations have no result");
        assertThat(n.incomplete()).containsExactly(1);

        // a combination in two shards, and one in none: the coverage is wrong even though every shard "finished"
        Path overlap = finishedBench(d.resolve("overlap"), 2);
        List<Combo> grid2 = List.of(JSON.readValue(overlap.resolve("shard-2/grid.json").toFile(), Combo[].class));
        List<Combo> shifted = new java.util.ArrayList<>(grid2.subList(1, grid2.size()));
        shifted.add(grid1.get(0));
        JSON.writeValue(overlap.resolve("shard-2/grid.json").toFile(), shifted);
        Files.writeString(BenchRunner.resultFile(overlap.resolve("shard-2"), grid1.get(0)), "[{\"primaryMetric\": {\"score\": 1.0}}]");
        assertThat(ShardCheck.check(bench(2), overlap).problems()).anySatisfy(p -> assertThat(p).contains("ran in shard 1 and shard 2"))
                .anySatisfy(p -> assertThat(p).contains("1 combinations of the grid are in no shard"));
    }

    /** Issue 36: sbatch had no time limit; one that never answers (a controller down) hung the submission. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anSbatchThatNeverAnswersIsStoppedAtTheLimit(@TempDir Path d) throws Exception {
        Path fake = Files.writeString(d.resolve("sbatch"), "#!/bin/sh\nsleep 100000\n");
        Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> Slurm.sbatch(fake.toString(), List.of("--array=1,2", "shards.sbatch"), d, java.time.Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sbatch --array=1,2 shards.sbatch did not answer within 2 s (stopped)")
                .hasMessageNotContaining("\n");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
        assertThat(Slurm.SBATCH_LIMIT).isEqualTo(java.time.Duration.ofSeconds(120));
        // a stand-in that answers as sbatch --parsable does: its job ID is read
        Path answers = Files.writeString(d.resolve("sbatch-ok"), "#!/bin/sh\necho '4711;cluster'\n");
        Files.setPosixFilePermissions(answers, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Slurm.sbatch(answers.toString(), List.of("x.sbatch"), d, java.time.Duration.ofSeconds(30))).isEqualTo("4711");
    }
}
