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
        assertThatThrownBy(() -> SweepConfig.read(write(dir, CLIFF.replace("[0.05, 0.2]", "[-1]")))).hasMessageContaining("must be > 0");
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
    void shardsPartitionTheRuns(@TempDir Path dir) throws Exception {
        SweepConfig cfg = SweepConfig.read(write(dir, CLIFF));
        int total = 0;
        for (int k = 1; k <= 3; k++) total += SweepRunner.run(cfg, dir.resolve("s" + k), 1, k, 3, false, System.out).ran();
        assertThat(total).isEqualTo(8);
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
}
