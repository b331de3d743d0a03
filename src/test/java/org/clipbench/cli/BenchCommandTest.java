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

    /** Issue 36: a --jvm that never exits hung bench (its output was read to the end before the time limit applied). */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aJvmThatNeverExitsIsStoppedAtTheLimit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path t) throws Exception {
        java.nio.file.Path pid = t.resolve("child.pid");
        java.nio.file.Path script = BadInputCliTest.executable(t.resolve("hung-java"), "#!/bin/sh\nsleep 100000 &\necho $! > " + pid + "\nsleep 100000\n");
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchCommand.requireJava(script, java.time.Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--jvm " + script + ": '-version' did not finish within 2 s (stopped); give a java binary")
                .hasMessageNotContaining("\n");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
        long child = Long.parseLong(java.nio.file.Files.readString(pid).strip());
        java.util.Optional<ProcessHandle> h = ProcessHandle.of(child);
        if (h.isPresent()) h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // killed with its parent
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(BenchCommand.JAVA_CHECK_LIMIT).isEqualTo(java.time.Duration.ofSeconds(60));
    }

    /** The real java passes both checks (-version, and a fork of this jar's code with the Vector API). */
    @Test
    void theRunningJavaPassesTheJvmCheck() throws Exception {
        BenchCommand.requireJava(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java"), BenchCommand.JAVA_CHECK_LIMIT);
    }
}
