package org.clipbench.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {

    static Path write(Path dir, String json) throws Exception {
        Path f = dir.resolve("sweep.json");
        Files.writeString(f, json);
        return f;
    }

    static final String CLIFF = """
            {"name": "t", "problem": {"type": "cliff", "w0": 5, "b0": -2.59}, "backend": "arrays",
             "lrs": [0.05, 0.2], "strategies": ["none", "global-norm:c=0.1"], "seeds": [1, 2], "steps": 60, "evalEvery": 20}""";

    @Test
    void invalidSweepsNameTheProblem(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("\"cliff\"", "\"gan\""))))
                .hasMessageContaining("unknown problem.type 'gan'");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[0.05, 0.2]", "[]")))).hasMessageContaining("'lrs' is empty");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[0.05, 0.2]", "[-1]")))).hasMessageContaining("must be finite and > 0");
        // bad input found by trying the CLI as a new user (issue: reliability)
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("\"t\"", "\"../../../tmp/escaped\""))))
                .hasMessageContaining("cannot name a folder");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("\"name\": \"t\", ", "")))).hasMessageContaining("'name' is missing");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[1, 2]", "[1, 1]")))).hasMessageContaining("'seeds' lists 1 twice");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[\"none\", ", "[\"none\", \"none\", "))))
                .hasMessageContaining("'strategies' lists none twice");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[1, 2]", "[1.5]")))).hasMessageContaining("sweep file");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[0.05, 0.2]", "[1e400]")))).hasMessageContaining("must be finite");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("\"cliff\", \"w0\": 5, \"b0\": -2.59",
                "\"quadratic\", \"dim\": 2, \"noiseScale\": -1")))).hasMessageContaining("noiseScale -1.0 must be finite and >= 0");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("global-norm:c=0.1", "global-norm:c=0")))).hasMessageContaining("c=0.0 is invalid");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[1, 2]", "[]")))).hasMessageContaining("'seeds' is empty");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("\"arrays\"", "\"torch\"")))).hasMessageContaining("unknown backend");
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("\"steps\"", "\"stepz\"")))).hasMessageContaining("stepz");
        assertThatThrownBy(() -> SweepConfig.read(dir.resolve("nope.json"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> SweepConfig.preset("imagenet")).hasMessageContaining("digits-quick");
        for (String p : SweepConfig.presets()) assertThat(SweepConfig.preset(p).runs()).isNotEmpty();
    }

    @Test
    void resultsDoNotDependOnTheThreadCountAndResumeRepeatsNothing(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF));
        Path one = dir.resolve("one"), two = dir.resolve("two");
        var a = SweepRunner.run(cfg, one, 1, 1, 1, false, System.out);
        var b = SweepRunner.run(cfg, two, 2, 1, 1, false, System.out);
        assertThat(a.rows()).isEqualTo(8);
        assertThat(b.rows()).isEqualTo(8);
        assertThat(withoutWallClock(one.resolve("runs.csv"))).isEqualTo(withoutWallClock(two.resolve("runs.csv")));
        assertThat(withoutWallClock(one.resolve("curves.csv"))).isEqualTo(withoutWallClock(two.resolve("curves.csv")));

        Path victim;
        try (var s = Files.list(one.resolve("runs"))) {
            victim = s.sorted().findFirst().orElseThrow();
        }
        Files.delete(victim);
        var c = SweepRunner.run(cfg, one, 2, 1, 1, false, System.out);
        assertThat(c.ran()).isEqualTo(1);
        assertThat(c.resumed()).isEqualTo(7);
        assertThat(withoutWallClock(one.resolve("runs.csv"))).isEqualTo(withoutWallClock(two.resolve("runs.csv")));
        assertThat(SweepSummary.table(one).rowCount()).isEqualTo(4);
    }

    @Test
    void shardsPartitionTheRunsAndGiveTheSameResults(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF));
        int total = 0;
        for (int k = 1; k <= 3; k++) total += SweepRunner.run(cfg, dir.resolve("s" + k), 1, k, 3, false, System.out).ran();
        assertThat(total).isEqualTo(8);
        SweepRunner.run(cfg, dir.resolve("all"), 2, 1, 1, false, System.out);
        List<String> all = withoutWallClock(dir.resolve("all").resolve("runs.csv"));
        List<String> sharded = new java.util.ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            List<String> rows = withoutWallClock(dir.resolve("s" + k).resolve("runs.csv"));
            sharded.addAll(rows.subList(1, rows.size()));
        }
        assertThat(sharded).containsExactlyInAnyOrderElementsOf(all.subList(1, all.size()));
    }

    @Test
    void runsCompareFindsIdenticalRunsAndChangedNumerics(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF));
        Path a = dir.resolve("a"), b = dir.resolve("b");
        SweepRunner.run(cfg, a, 1, 1, 1, false, System.out);
        SweepRunner.run(cfg, b, 2, 1, 1, false, System.out);
        var same = org.clipbench.compare.RunsCompare.compare(a, b, 1e-9);
        assertThat(same.common()).isEqualTo(8);
        assertThat(same.identicalRuns()).isEqualTo(8);
        assertThat(same.changedBeyondTolerance()).isFalse();
        // a change in numerics: the same run IDs with a perturbed final loss in one row
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(b.resolve("runs.csv")));
        List<String> header = List.of(lines.get(0).split(","));
        int col = header.indexOf("final_loss");
        String[] f = lines.get(1).split(",", -1);
        f[col] = String.valueOf(Double.parseDouble(f[col]) * 1.001);
        lines.set(1, String.join(",", f));
        Files.write(b.resolve("runs.csv"), lines);
        var changed = org.clipbench.compare.RunsCompare.compare(a, b, 1e-9);
        assertThat(changed.changedBeyondTolerance()).isTrue();
        assertThat(changed.identicalRuns()).isEqualTo(7);
        assertThat(org.clipbench.compare.RunsCompare.compare(a, b, 0.01).changedBeyondTolerance()).isFalse();
        var cl = org.clipbench.cli.MainAccess.commandLine();
        assertThat(cl.execute("compare", a.toString(), b.toString())).isEqualTo(1);
        assertThat(cl.execute("compare", a.toString(), b.toString(), "--tolerance", "0.01")).isZero();
    }

    /**
     * Issue 36: runs.csv wrote seeds 2^63-1 and 2^63-2 both as 9.223372036854776E18 (two runs, one printed seed) and
     * steps as 60.0. Counts and seeds are integers now; a runs.csv in the old form (as committed ones are) still
     * compares identical to the new one, and the history names a run by the same seed text in both.
     */
    @Test
    void seedsAndCountsAreWrittenAsIntegersAndTheOldFormStillReads(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF.replace("[1, 2]", "[9223372036854775807, 9223372036854775806]")
                .replace("[0.05, 0.2]", "[0.05]").replace("[\"none\", \"global-norm:c=0.1\"]", "[\"none\"]")));
        Path out = dir.resolve("s");
        SweepRunner.run(cfg, out, 1, 1, 1, false, System.out);
        List<String> lines = Files.readAllLines(out.resolve("runs.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        java.util.Map<String, List<String>> cells = new java.util.HashMap<>();
        for (String c : List.of("seed", "steps", "steps_run", "diverged_at", "steps_to_target", "skipped_steps", "loss_spikes")) {
            int i = header.indexOf(c);
            cells.put(c, lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)[i]).toList());
        }
        assertThat(cells.get("seed")).containsExactlyInAnyOrder("9223372036854775807", "9223372036854775806");
        assertThat(cells.get("steps")).containsExactly("60", "60");
        cells.values().forEach(column -> assertThat(column).allMatch(v -> v.matches("-?[0-9]+"), "an integer"));
        // the same table as the old version wrote it: every integer cell as a double's text
        Path old = Files.createDirectories(dir.resolve("old"));
        List<String> oldLines = new java.util.ArrayList<>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            for (String c : cells.keySet()) f[header.indexOf(c)] = String.valueOf(Double.parseDouble(f[header.indexOf(c)]));
            oldLines.add(String.join(",", f));
        }
        Files.write(old.resolve("runs.csv"), oldLines);
        assertThat(oldLines.get(1)).contains(",60.0,").contains("9.223372036854776E18");
        var same = org.clipbench.compare.RunsCompare.compare(old, out, 0);
        assertThat(same.common()).isEqualTo(2);
        assertThat(same.identicalRuns()).isEqualTo(2);
    }

    /** The CSV with the wall-clock columns blanked, for run-to-run comparison. */
    static List<String> withoutWallClock(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        int wall = List.of(header).indexOf("wall_s");
        return lines.stream().filter(l -> !l.contains("elapsed_s")).map(l -> {
            if (wall < 0) return l;
            String[] f = l.split(",", -1);
            f[wall] = "";
            return String.join(",", f);
        }).toList();
    }

    @Test
    void aTruncatedRunFileIsMovedAsideAndTrainedAgainOnResume(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF));
        Path out = dir.resolve("out");
        SweepRunner.run(cfg, out, 1, 1, 1, false, System.out);
        Path victim;
        try (var s = java.nio.file.Files.list(out.resolve("runs"))) {
            victim = s.filter(f -> f.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
        }
        String whole = java.nio.file.Files.readString(victim);
        java.nio.file.Files.writeString(victim, whole.substring(0, whole.length() / 2)); // as a crash mid-write would, without atomic writes
        var again = SweepRunner.run(cfg, out, 1, 1, 1, false, System.out);
        assertThat(again.ran()).isEqualTo(1);
        assertThat(again.resumed()).isEqualTo(7);
        assertThat(withoutClock(java.nio.file.Files.readString(victim))).isEqualTo(withoutClock(whole)); // bit-identical retrain
        try (var s = java.nio.file.Files.list(out.resolve("runs").resolve("corrupt"))) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @Test
    void wholeNumberLearningRatesSummarise(@TempDir Path dir) throws Exception {
        // Tablesaw used to read lr as an int column and the summary crashed with a ClassCastException
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF.replace("[0.05, 0.2]", "[1, 2]").replace("\"steps\": 60", "\"steps\": 5")));
        Path out = dir.resolve("out");
        SweepRunner.run(cfg, out, 1, 1, 1, false, System.out);
        assertThat(SweepSummary.markdown(out)).contains("| 1.0 |").contains("| 2.0 |");
    }

    @Test
    void aOneDimensionalQuadraticDoesNotDivergeAtItsFirstStep(@TempDir Path dir) throws Exception {
        // it used to start at x = 0, its optimum: loss 0, so any step looked like a divergence
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF.replace("\"cliff\", \"w0\": 5, \"b0\": -2.59",
                "\"quadratic\", \"dim\": 1, \"start\": 1, \"noiseScale\": 0.01")));
        Path out = dir.resolve("out");
        var o = SweepRunner.run(cfg, out, 1, 1, 1, false, System.out);
        assertThat(o.diverged()).isZero();
    }

    /** A run file without its wall-clock fields (wall_s, the elapsed_s curve points): the only ones allowed to differ. */
    static String withoutClock(String runFile) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var d = json.readTree(runFile);
        ((com.fasterxml.jackson.databind.node.ObjectNode) d.get("run")).remove("wall_s");
        var curve = (com.fasterxml.jackson.databind.node.ArrayNode) d.get("curve");
        for (int i = curve.size() - 1; i >= 0; i--) if (curve.get(i).get(1).asText().equals("elapsed_s")) curve.remove(i);
        return json.writeValueAsString(d);
    }
}
