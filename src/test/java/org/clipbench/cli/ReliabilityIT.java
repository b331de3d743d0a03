package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 36, the cases that need the built jar or run-bench.sh: each ends in time, exit 2, one line, nothing left behind. */
class ReliabilityIT {

    record Exit(int code, String err) {
    }

    static Exit run(Path work, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile()).start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) p.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!done) p.destroyForcibly();
        assertThat(done).as("finished within 120 s: " + cmd).isTrue();
        String err = Files.readString(work.resolve("err.txt")).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .reduce((a, b) -> a + "\n" + b).orElse("").strip();
        return new Exit(p.exitValue(), err);
    }

    static List<String> runFolders() throws Exception {
        Path runs = Path.of("results", "runs");
        if (!Files.isDirectory(runs)) return List.of();
        try (Stream<Path> s = Files.list(runs)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** 20 digits passed the digit check, bash wrapped them to 7.7e18 and the A/B looped for ever, leaving an empty results folder. */
    @Test
    void compareToWithAnAbsurdRoundCountEndsAtOnceAndLeavesNoFolder(@TempDir Path t) throws Exception {
        List<String> before = runFolders();
        for (String rounds : List.of("99999999999999999999", "1001", "0", "1")) {
            Exit e = run(t, List.of("./run-bench.sh", "--compare-to", "HEAD", "--rounds", rounds));
            assertThat(e.code()).as(rounds + ": " + e.err()).isEqualTo(2);
            assertThat(e.err()).as(rounds).hasLineCount(1).isEqualTo("error: --rounds '" + rounds + "': give a whole number of pairs from 2 to 1000, e.g. --rounds 8");
        }
        assertThat(runFolders()).isEqualTo(before);
    }

    /** docs/results.md's own "java -jar target/benchmarks.jar bench ..." failed with NoClassDefFoundError and a stack trace. */
    @Test
    void theJarWithoutTheVectorModuleSaysWhichFlagToAdd(@TempDir Path t) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Exit e = run(t, List.of(java, "-jar", "target/benchmarks.jar", "bench", "--profile", "smoke", "--benchmarks", "ClipBenchmark", "--dry-run"));
        assertThat(e.code()).as(e.err()).isEqualTo(2);
        assertThat(e.err()).isEqualTo("error: the Vector API (module jdk.incubator.vector) is not loaded: run with java --add-modules=jdk.incubator.vector "
                + "-jar target/benchmarks.jar ... (./run-bench.sh adds it)");
        List<String> withFlag = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-jar", "target/benchmarks.jar", "bench", "--profile", "smoke",
                "--benchmarks", "ClipBenchmark", "--dry-run"));
        assertThat(run(t, withFlag).code()).isZero();
    }
}
