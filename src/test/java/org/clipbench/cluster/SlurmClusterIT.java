package org.clipbench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.clipbench.jmhgrid.Combo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/**
 * Against a real one-node Slurm cluster (.ci/slurm-up.sh starts it, installing Debian's slurmctld, slurmd,
 * slurm-client and munge when missing; skipped with a NOTICE where that cannot be done): the smoke
 * grid as a 2-shard array plus merge, with one shard made to fail, the merge naming it, and
 * --slurm-resume completing the run; and a sweep split across 2 array tasks that equals the unsharded
 * sweep run for run, bit for bit.
 */
class SlurmClusterIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of("target", "it-slurm").toAbsolutePath();
    static boolean up;

    @BeforeAll
    static void startCluster() throws Exception {
        String why = null;
        if (!"root".equals(System.getProperty("user.name"))) why = "not root (the one-node cluster's daemons need it)";
        else if (!new File("/usr/bin/apt-get").canExecute() && !new File("/usr/bin/sbatch").canExecute()) why = "no apt-get to install Slurm";
        if (why == null) {
            Process p = new ProcessBuilder(".ci/slurm-up.sh").redirectErrorStream(true).redirectOutput(ROOT.resolveSibling("slurm-up.log").toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                why = "slurm-up.sh did not finish in 300 s";
            } else if (p.exitValue() != 0) {
                why = "slurm-up.sh failed: " + Files.readString(ROOT.resolveSibling("slurm-up.log")).lines().reduce((a, b) -> b).orElse("");
            }
        }
        if (why != null) {
            System.out.println("NOTICE: SlurmClusterIT SKIPPED: " + why + "; it needs root and Debian's slurmctld slurmd slurm-client munge (.ci/run installs them)");
            Assumptions.abort(why);
        }
        up = true;
        deleteRecursively(ROOT);
        Files.createDirectories(ROOT);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (up) new ProcessBuilder(".ci/slurm-down.sh").redirectErrorStream(true).redirectOutput(ROOT.resolve("slurm-down.log").toFile()).start()
                .waitFor(60, TimeUnit.SECONDS);
    }

    static String run(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx1g", "-jar", "target/benchmarks.jar"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("finished: " + String.join(" ", args)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Waits until Slurm no longer lists the job (all its array tasks ended). */
    static void waitFor(String jobId, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Process p = new ProcessBuilder("squeue", "-h", "-j", jobId).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            if (out.isEmpty() || out.contains("Invalid job id")) return;
            Thread.sleep(1000);
        }
        throw new AssertionError("job " + jobId + " still in the queue after " + seconds + " s");
    }

    static String mergeJobOf(String submitOutput) {
        var m = java.util.regex.Pattern.compile("the merge as job (\\d+)").matcher(submitOutput);
        assertThat(m.find()).as(submitOutput).isTrue();
        return m.group(1);
    }

    @Test
    void aSmokeGridRunsAsTwoShardsAndAFailedShardIsNamedAndResumed() throws Exception {
        Path dir = ROOT.resolve("bench");
        // shard 2's folder is taken by a file: that shard fails at its start
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("shard-2"), "in the way");
        String submitted = run(ROOT.resolve("bench-submit.log"), "slurm", "submit", "--shards", "2", "--out", dir.toString(),
                "--profile", "smoke", "--benchmarks", "NormBenchmark,ClipBenchmark", "--backends", "arrays", "--dtypes", "f64", "--data", "flat-4K");
        waitFor(mergeJobOf(submitted), 900);
        String merge = Files.readString(dir.resolve("slurm/merge.log"));
        assertThat(merge).contains("shard 2 (array index 2): failed with exit status").contains(dir.resolve("slurm/shard-2.log").toString())
                .contains("--slurm-resume");
        assertThat(dir.resolve("report")).doesNotExist();
        assertThat(Files.readString(dir.resolve("slurm/shard-1.exit")).trim()).isEqualTo("0");

        Files.delete(dir.resolve("shard-2"));
        String resumed = run(ROOT.resolve("bench-resume.log"), "slurm", "resume", dir.toString());
        assertThat(resumed).contains("shards to run again: [2]").contains("submitted shards 2 as array job");
        waitFor(mergeJobOf(resumed), 900);
        assertThat(Files.readString(dir.resolve("slurm/merge.log"))).contains("all 2 shards complete");
        assertThat(dir.resolve("report/summary.md")).exists();
        assertThat(dir.resolve("report/index.html")).exists();

        // every combination of the grid ran exactly once, on a node Slurm recorded
        List<Combo> full = ShardCheck.fullGrid(dir.resolve("shard-1"));
        Set<String> seen = new HashSet<>();
        for (int k = 1; k <= 2; k++) {
            Path shard = dir.resolve("shard-" + k);
            for (Combo c : List.of(JSON.readValue(shard.resolve("grid.json").toFile(), Combo[].class))) {
                assertThat(seen.add(c.id())).as(c.id() + " once").isTrue();
                assertThat(shard.resolve("jmh").resolve(c.id() + ".json")).exists();
            }
            JsonNode slurm = JSON.readTree(shard.resolve("environment.json").toFile()).path("slurm");
            assertThat(slurm.path("array_task_id").asText()).isEqualTo(String.valueOf(k));
            assertThat(slurm.path("node").asText()).isNotBlank();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(full.stream().map(Combo::id).toList());
        assertThat(full).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aSweepSplitAcrossTwoArrayTasksEqualsTheUnshardedSweepBitForBit() throws Exception {
        Path dir = ROOT.resolve("sweep"), whole = ROOT.resolve("sweep-whole");
        String submitted = run(ROOT.resolve("sweep-submit.log"), "slurm", "submit", "--shards", "2", "--cpus-per-task", "1", "--out", dir.toString(),
                "sweep", "--preset", "smoke");
        run(ROOT.resolve("sweep-whole.log"), "sweep", "--preset", "smoke", "--out", whole.toString(), "--quiet");
        waitFor(mergeJobOf(submitted), 600);
        assertThat(Files.readString(dir.resolve("slurm/merge.log"))).contains("all 2 shards complete");
        Map<String, String> sharded = new TreeMap<>();
        for (int k = 1; k <= 2; k++) sharded.putAll(rows(dir.resolve("shard-" + k)));
        Map<String, String> unsharded = rows(whole);
        assertThat(sharded).hasSameSizeAs(unsharded);
        assertThat(sharded).isEqualTo(unsharded);
        assertThat(dir.resolve("report/summary.md")).exists();
    }

    /** runs.csv by run id: every column but the wall time (bit-identical doubles read back identically). */
    static Map<String, String> rows(Path sweep) throws Exception {
        Table t = Table.read().csv(sweep.resolve("runs.csv").toFile());
        Map<String, String> out = new TreeMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            StringBuilder row = new StringBuilder();
            for (var c : t.columns()) if (!c.name().equals("wall_s")) row.append(c.name()).append('=').append(String.valueOf(c.get(r))).append(' ');
            out.put(t.column("run_id").getString(r), row.toString());
        }
        return out;
    }

    static void deleteRecursively(Path p) throws Exception {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
