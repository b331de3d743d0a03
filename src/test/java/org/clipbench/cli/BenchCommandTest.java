package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void resultFoldersAreNamedByUtcTimeShaDirtyAndShard() {
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 28, 16, 5, 9, 0, ZoneOffset.UTC);
        assertThat(BenchCommand.folderName(t, Map.of("sha", "ab12cd3", "dirty", false), null)).isEqualTo("20261128T160509Z-ab12cd3");
        assertThat(BenchCommand.folderName(t, Map.of("sha", "ab12cd3", "dirty", true), "2/4"))
                .isEqualTo("20261128T160509Z-ab12cd3-dirty-shard2of4");
    }

    @Test
    void unknownOptionsAndValuesFailBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        assertThat(run(err, "bench", "--bogus", "--results-root", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--bogus'").contains("--help").hasLineCount(1);

        err = new StringWriter();
        assertThat(run(err, "bench", "--profile", "medium", "--results-root", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("unknown profile 'medium'").contains("smoke");

        err = new StringWriter();
        assertThat(run(err, "bench", "--dtypes", "f8", "--results-root", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--dtypes");

        err = new StringWriter();
        assertThat(run(err, "bench", "--shard", "5/4", "--results-root", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--shard '5/4'");

        err = new StringWriter();
        assertThat(run(err, "bench", "--jmh", "-notanoption", "--backends", "arrays", "--results-root", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--jmh");

        err = new StringWriter();
        assertThat(run(err, "bench", "--resume", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no grid.json");

        // a folder of an older version names the data set "params": its grid cannot be resumed by this one
        java.nio.file.Path old = java.nio.file.Files.createDirectories(dir.resolve("older-run"));
        java.nio.file.Files.writeString(old.resolve("grid.json"), "[{\"benchmark\":\"ClipBenchmark\",\"params\":{\"backend\":\"arrays\",\"params\":\"flat-4K\"}}]");
        err = new StringWriter();
        assertThat(run(err, "bench", "--resume", old.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("neither run.json nor environment.json").hasLineCount(1); // was the raw FileNotFoundException's text
        java.nio.file.Files.writeString(old.resolve("environment.json"), "{\"profile\":\"smoke\"}");
        err = new StringWriter();
        assertThat(run(err, "bench", "--resume", old.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("names the data set 'params' or 'size'").contains("start a new run").hasLineCount(1);

        err = new StringWriter();
        assertThat(run(err, "bench", "--profile", "full", "--results-root", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--yes");
        assertThat(dir.toFile().list()).containsExactly("older-run"); // nothing ran, nothing written
    }

    @Test
    void shardSyntax() {
        assertThat(BenchCommand.parseShard("2/4")).containsExactly(2, 4);
        assertThatThrownBy(() -> BenchCommand.parseShard("0/4")).hasMessageContaining("1 <= k <= n");
        assertThatThrownBy(() -> BenchCommand.parseShard("a/b")).hasMessageContaining("k/n");
    }
}
