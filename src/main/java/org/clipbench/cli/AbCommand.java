package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.clipbench.benchrun.AbRun;
import org.clipbench.benchrun.BenchRun;
import org.clipbench.io.RunFolder;
import org.clipbench.jmhgrid.AbCompatibility;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Same-machine A/B against another build, pair by pair: run-bench.sh --compare-to drives it, then compares. */
@Command(name = "ab", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a grid for another build (--base, a checkout with target/benchmarks.jar) and for this one,",
                "combination by combination: base then this build in odd rounds, this build then base in even ones,",
                "one fork each. Writes base-k/ and candidate-k/ results folders and ab.json into --out.",
                "Exit 0 when every fork ran, 1 when some failed, 2 on bad input, 4 when the base cannot serve this",
                "build's forks (another JMH version or other benchmark parameters: alternate whole grids instead)."})
public final class AbCommand implements Callable<Integer> {
    /** The exit code that says: this base needs whole-grid rounds (run-bench.sh falls back to them). */
    static final int INCOMPATIBLE_BASE = 4;

    @picocli.CommandLine.Mixin
    GridOptions grid = new GridOptions();

    @Option(names = "--base", required = true, description = "the base build's checkout (its target/benchmarks.jar must be built)")
    Path base;

    @Option(names = "--rounds", description = "pairs per combination (default 5; 5 or more lets compare test fork medians)")
    int rounds = 5;

    @Option(names = "--out", required = true, description = "the A/B folder (created, or continued when it holds this A/B)")
    Path out;

    @Option(names = "--jmh", description = "raw JMH options for both sides, e.g. \"-i 10\" (the fork count is the rounds')")
    String jmh;

    @Option(names = "--fork-heap", description = "heap of each benchmark fork (default 6g)")
    String forkHeap = "6g";

    @Option(names = "--javacpp-cache", description = "where ND4J unpacks its natives (default target/javacpp-cache)")
    Path javacppCache = Path.of("target", "javacpp-cache");

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw new IllegalArgumentException("--rounds " + rounds + ": give a whole number from 1 to " + MAX_ROUNDS + ", e.g. --rounds 5");
        }
        requireBaseCheckout(base);
        Path jar = AbRun.jarOf(base);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--base " + base + ": no " + jar + "; build it there with mvn -B -q -DskipTests package");
        }
        org.clipbench.jmhgrid.JmhLock.requireFree(); // as bench: said once up front, not by every fork failing on JMH's lock (held below)
        Profile p = Profile.named(grid.profile);
        Filters filters = grid.filters();
        String jmhOneFork = oneFork(jmh);
        List<Combo> combos = Grid.build(p, filters).combos();
        if (combos.isEmpty()) throw new IllegalArgumentException("the filters leave nothing to run in profile " + p.name());
        List<String> problems = AbCompatibility.problems(combos, AbCompatibility.ofThisBuild(), AbCompatibility.of(jar));
        if (!problems.isEmpty()) {
            System.err.println("the base build cannot run this build's forks pair by pair: " + String.join("; ", problems));
            return INCOMPATIBLE_BASE;
        }
        System.out.printf(Locale.ROOT, "A/B per combination: %d combinations x %d rounds x 2 builds (base %s)%n", combos.size(), rounds, base);
        var settings = new BenchRun.Settings(p.name(), jmhOneFork, null, forkHeap, javacppCache.toString(), true, List.of());
        try (org.clipbench.jmhgrid.JmhLock.Held machine = org.clipbench.jmhgrid.JmhLock.hold(); RunFolder folder = RunFolder.lock(out)) {
            return new AbRun(folder.dir(), settings, filters, base, rounds, System.out).execute(combos);
        }
    }

    /** More rounds than an A/B can take in a day even on a one-combination grid (run-bench.sh --rounds has the same bound). */
    static final int MAX_ROUNDS = 1000;

    /**
     * --base must name a folder: '' is the current folder, whose target/benchmarks.jar is this build, so an empty --base
     * ran an A/A of the working tree for minutes and labelled it "base ".
     */
    static void requireBaseCheckout(Path base) {
        if (base.toString().isBlank()) {
            throw new IllegalArgumentException("--base is empty: give the base build's checkout (a folder with target/benchmarks.jar), "
                    + "or let ./run-bench.sh --compare-to REF make one");
        }
        if (!Files.isDirectory(base)) {
            throw new IllegalArgumentException("--base " + base + ": " + (Files.exists(base) ? "not a folder" : "no such folder")
                    + "; give the base build's checkout (a folder with target/benchmarks.jar)");
        }
    }

    /** The JMH options with one fork per side and round; IllegalArgumentException on another fork count. */
    static String oneFork(String jmh) {
        List<String> args = new ArrayList<>(BenchRun.Settings.splitJmhOptions(jmh));
        var parsed = BenchRunner.parseJmhOptions(args);
        if (parsed.getForkCount().hasValue() && parsed.getForkCount().get() != 1) {
            throw new IllegalArgumentException("--jmh: an A/B runs one fork per side and round; ask for more forks with --rounds, not -f");
        }
        if (!parsed.getForkCount().hasValue()) args.addAll(List.of("-f", "1"));
        return String.join(" ", args);
    }
}
