package org.clipbench.jmhgrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbCompatibilityTest {
    private static final List<Combo> NORMS = List.of(new Combo("NormBenchmark", Map.of("backend", "arrays", "kind", "safe")));

    private static AbCompatibility.Offer offer(String jmh, String method, String... params) {
        return new AbCompatibility.Offer(jmh, Map.of("org.clipbench.bench." + method, new TreeSet<>(List.of(params))));
    }

    @Test
    void thisBuildOffersEveryRegisteredBenchmarkWithItsParameters() {
        var own = AbCompatibility.ofThisBuild();
        assertThat(own.jmhVersion()).matches("1\\.\\d+");
        assertThat(own.parameters()).containsKey("org.clipbench.bench.NormBenchmark.norm");
        assertThat(own.parameters().get("org.clipbench.bench.NormBenchmark.norm")).contains("backend", "kind", "dtype");
        assertThat(AbCompatibility.problems(Grid.build(Profile.quick(), Filters.none()).combos(), own, own)).isEmpty();
    }

    @Test
    void aBaseWithOtherParametersAnotherJmhOrNoSuchBenchmarkIsNamed() {
        var here = offer("1.37", "NormBenchmark.norm", "backend", "kind");
        assertThat(AbCompatibility.problems(NORMS, here, offer("1.37", "NormBenchmark.norm", "backend", "kind"))).isEmpty();
        assertThat(AbCompatibility.problems(NORMS, here, offer("1.37", "NormBenchmark.norm", "backend", "size")))
                .singleElement().asString().contains("NormBenchmark.norm", "[backend, size]", "[backend, kind]");
        assertThat(AbCompatibility.problems(NORMS, here, offer("1.36", "NormBenchmark.norm", "backend", "kind")))
                .singleElement().asString().contains("JMH 1.36");
        assertThat(AbCompatibility.problems(NORMS, here, offer("1.37", "ClipBenchmark.clip", "backend")))
                .singleElement().asString().contains("no benchmark NormBenchmark.norm");
    }

    /** The fork launcher of a base side swaps the class path JMH passes (the argument after -cp) and nothing else. */
    @Test
    void theBaseForkLauncherReplacesOnlyTheClassPath(@TempDir Path dir) throws Exception {
        Path fakeJava = dir.resolve("java");
        Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = dir.resolve("launch.sh");
        Files.writeString(launcher, "#!/bin/sh\n" + BenchRunner.classPathSwap(Path.of("/base dir/it's.jar"))
                + "exec '" + fakeJava + "' \"$@\"\n");
        Process p = new ProcessBuilder("sh", launcher.toString(), "-Xmx1g", "-Dx=a b", "-cp", "target/benchmarks.jar",
                "org.openjdk.jmh.runner.ForkedMain", "127.0.0.1", "4242").redirectErrorStream(true).start();
        List<String> args = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertThat(p.waitFor()).isZero();
        assertThat(args).containsExactly("-Xmx1g", "-Dx=a b", "-cp", "/base dir/it's.jar", "org.openjdk.jmh.runner.ForkedMain", "127.0.0.1", "4242");
    }
}
