package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.clipbench.benchrun.AbRun;
import org.clipbench.benchrun.BenchRun;
import org.clipbench.compare.Compare;
import org.clipbench.io.RunFolder;
import org.clipbench.jmhgrid.AbCompatibility;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.JmhLock;
import org.clipbench.jmhgrid.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Same-machine A/B against another build, pair by pair, until each row is judged: run-bench.sh --compare-to drives it. */
@Command(name = "ab", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a grid for another build (--base, a checkout with target/benchmarks.jar) and for this one, combination by",
                "combination, in rounds of forks: at the same time, one JVM per core (a duet: a neighbour's load hits both), or back to",
                "back in a random order for combinations on 2 threads. Fork j of base-k/ pairs with fork j of candidate-k/. A combination",
                "gets rounds until each row is judged (at least --pairs pairs, at most --max-pairs, or --budget minutes), then the pairs",
                "are compared (compare.txt, compare.md, compare.csv).",
                "Exit 0: no regression and every row judged; 1: a row significantly slower (or a fork failed); 5: inconclusive (a row",
                "could not be judged within the plan); 2: bad input; 4: the base cannot serve this build's forks (other benchmark",
                "parameters: alternate whole grids instead)."})
public final class AbCommand implements Callable<Integer> {
    /** The exit code that says: this base needs whole-grid rounds (run-bench.sh falls back to them). */
    static final int INCOMPATIBLE_BASE = 4;

    @picocli.CommandLine.Mixin
    GridOptions grid = new GridOptions();

    @Option(names = "--base", required = true, description = "the base build's checkout (its target/benchmarks.jar must be built)")
    Path base;

    @Option(names = {"--pairs", "--rounds"}, description = "pairs of forks every combination gets at least (default 8)")
    int pairs = AbRun.Plan.adaptive().minPairs();

    @Option(names = "--max-pairs", description = "pairs a combination gets at most while a row is still unjudged (default 32)")
    int maxPairs = AbRun.Plan.adaptive().maxPairs();

    @Option(names = "--forks-per-round", description = "forks a side runs per round (default 4)")
    int forksPerRound = AbRun.Plan.adaptive().forksPerRound();

    @Option(names = "--no-duet", description = "run the two sides back to back in a random order, never at the same time")
    boolean noDuet;

    @Option(names = "--budget", description = "minutes after which no round starts (rows not judged then make the A/B inconclusive)")
    double budget = Double.POSITIVE_INFINITY;

    @Option(names = "--min-effect", description = "smallest relative change that counts (default 0.05 = 5%%)")
    double minEffect = 0.05;

    @Option(names = "--alpha", description = "false discovery rate over the rows (default 0.05)")
    double alpha = 0.05;

    @Option(names = "--out", required = true, description = "the A/B folder (created, or continued when it holds this A/B)")
    Path out;

    @Option(names = "--jmh", description = "raw JMH options for both sides, e.g. \"-i 10\" (the fork count is the plan's)")
    String jmh;

    @Option(names = "--candidate-jmh", description = "raw JMH options for this build's forks only, e.g. \"-p extra=0.1\" (an injected slowdown, "
            + "to show the gate catches one); the parameters it sets are left out of the match")
    String candidateJmh;

    @Option(names = "--seed", description = "seed of the order of back-to-back sides (default 1)")
    long seed = 1;

    @Option(names = "--fork-heap", description = "heap of each benchmark fork (default 6g)")
    String forkHeap = "6g";

    @Option(names = "--javacpp-cache", description = "where ND4J unpacks its natives (default target/javacpp-cache)")
    Path javacppCache = Path.of("target", "javacpp-cache");

    @Override
    public Integer call() throws Exception {
        // said once up front when another ClipBench or JMH run holds the machine; JMH's own lock held for the duets
        try (JmhLock.Held machine = JmhLock.hold(); AutoCloseable jmhLock = JmhLock.holdForDuets()) {
            return abUnderLock();
        }
    }

    private int abUnderLock() throws Exception {
        requireBaseCheckout(base);
        AbRun.Plan plan = AbRun.Plan.adaptive().withPairs(pairs, maxPairs).withForksPerRound(forksPerRound).withDuet(!noDuet)
                .withBudget(budget).withSeed(seed);
        Compare.Settings compare = new Compare.Settings(minEffect, alpha, 2000, 1, List.of(), true);
        Profile p = Profile.named(grid.profile);
        Filters filters = grid.filters();
        String jmhRounds = withForks(jmh, plan.forksPerRound());
        BenchRunner.parseJmhOptions(BenchRun.Settings.splitJmhOptions(candidateJmh)); // bad options: said now, not by every fork
        Path jar = AbRun.jarOf(base);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--base " + base + ": no " + jar + "; build it there with mvn -B -q -DskipTests package");
        }
        // the memory limit's primitives a grid adds for its report judge no code: an A/B runs them only when asked for
        boolean primitivesAsked = filters.benchmarks() != null && filters.benchmarks().contains(org.clipbench.bench.Benchmarks.BANDWIDTH);
        List<Combo> combos = Grid.build(p, filters).combos().stream()
                .filter(c -> primitivesAsked || !c.benchmark().equals(org.clipbench.bench.Benchmarks.BANDWIDTH)).toList();
        if (combos.isEmpty()) throw new IllegalArgumentException("the filters leave nothing to run in profile " + p.name());
        List<String> problems = AbCompatibility.problems(combos, AbCompatibility.ofThisBuild(), AbCompatibility.of(jar));
        if (!problems.isEmpty()) {
            System.err.println("the base build cannot run this build's forks pair by pair: " + String.join("; ", problems));
            return INCOMPATIBLE_BASE;
        }
        System.out.printf(Locale.ROOT, "A/B per combination: %d combinations, %d to %d pairs each, %d forks a side per round%s (base %s)%n",
                combos.size(), plan.minPairs(), plan.maxPairs(), plan.forksPerRound(), plan.duet() ? ", duets where one thread" : "", base);
        var settings = new BenchRun.Settings(p.name(), jmhRounds, null, forkHeap, javacppCache.toString(), true, List.of(), null, true);
        try (RunFolder folder = RunFolder.lock(out)) {
            AbRun.Outcome o = new AbRun(folder.dir(), settings, filters, base, plan, candidateJmh, System.out).execute(combos, compare);
            if (o.comparison() == null) {
                System.err.println("no combination ran on both sides: nothing to compare (see " + folder.dir().resolve("failures.txt") + ")");
                return 1;
            }
            System.out.print(Compare.text(o.comparison()));
            int verdict = CompareCommand.exitCode(o.comparison());
            return verdict != 0 ? verdict : o.failures().isEmpty() ? 0 : 1;
        }
    }

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

    /** The JMH options with the plan's forks per round; IllegalArgumentException on a fork count of their own. */
    static String withForks(String jmh, int forks) {
        List<String> args = new ArrayList<>(BenchRun.Settings.splitJmhOptions(jmh));
        var parsed = BenchRunner.parseJmhOptions(args);
        if (parsed.getForkCount().hasValue()) {
            throw new IllegalArgumentException("--jmh -f: an A/B sets the forks itself; ask for more with --pairs, --max-pairs or --forks-per-round");
        }
        args.addAll(List.of("-f", Integer.toString(forks)));
        return String.join(" ", args);
    }
}
