package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each analysis/ script as its header tells a user to run it, on the fixture folders; and the report command's exit codes. */
class AnalysisScriptsIT {
    static final String BENCH = "src/test/resources/fixtures/bench-small", SWEEP = "src/test/resources/fixtures/sweep-small";

    static String run(Path log, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("finished in time").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @ParameterizedTest
    @CsvSource({
        "report.jsh, " + BENCH + "|" + SWEEP + ", index.html|kernel-time-vs-size-f64.svg|loss-curves-fixture.png",
        "kernel-figures.jsh, " + BENCH + ", kernel-time-vs-size-f64.svg|kernel-bandwidth-vs-size-f64.png|norm-pct-of-copy.svg",
        "kernel-tables.jsh, " + BENCH + ",",
        "convergence-figures.jsh, " + SWEEP + ", loss-curves-fixture.svg|final-loss-fixture.png|grad-norm-fixture.svg",
    })
    void scriptRunsOnFixtures(String script, String inputs, String expected, @TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jshell").toString(), "-R--add-modules=jdk.incubator.vector", "--class-path", "target/benchmarks.jar",
                "-R-Dresults=" + inputs.replace('|', ','), "-R-Dout=" + out, "analysis/" + script));
        String log = run(tmp.resolve("log.txt"), cmd);
        assertThat(log).doesNotContain("Error:").doesNotContain("Exception").doesNotContain("cannot find symbol");
        if (expected != null) {
            for (String f : expected.split("\\|")) assertThat(out.resolve(f)).isRegularFile().isNotEmptyFile();
        } else {
            assertThat(log).contains("JMH results from").contains("x_baseline");
        }
    }

    @Test
    void reportOnlyExitsOneNamingABrokenInputAndStillWritesTheRest(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("report");
        Process p = new ProcessBuilder("./run-bench.sh", "--report-only", "src/test/resources/fixtures/broken/bench", SWEEP, "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(tmp.resolve("log"));
        assertThat(p.exitValue()).as(log).isEqualTo(1);
        assertThat(log).contains("truncated.json").contains("not valid JSON").contains("report: ");
        assertThat(out.resolve("index.html")).isRegularFile();
        assertThat(out.resolve("loss-curves-fixture.svg")).isRegularFile();
    }
}
