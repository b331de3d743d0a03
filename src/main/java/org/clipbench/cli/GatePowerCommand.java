package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.clipbench.analysis.GatePowerTables;
import org.clipbench.benchrun.AbRun;
import org.clipbench.benchrun.BenchRun;
import org.clipbench.benchrun.GatePower;
import org.clipbench.compare.Compare;
import org.clipbench.io.RunFolder;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.JmhLock;
import org.clipbench.jmhgrid.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The power of the regression gate: injected slowdowns x background loads x trials of ab (docs/regression-tracking.md). */
@Command(name = "gate-power", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how often the A/B gate calls an injected slowdown a regression, and how often an A/A (0%) raises a",
                "false alarm, under background loads (stress-ng): A/Bs of this build against itself, the candidate's norm reading",
                "(1 + s) x its data. Writes trials.csv (resumable), power.csv, power.md and the figure gate-power.{svg,png} into --out.",
                "Default grid: the quick profile's vector f32 safe norm of flat-4K, as the CI gate test uses it."})
public final class GatePowerCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "the study's folder (created, or continued)")
    Path out;

    @Option(names = "--base", description = "a checkout with target/benchmarks.jar to serve as the base (default: this project, .)")
    Path base = Path.of(".");

    @Option(names = "--loads", split = ",", description = "background loads: none, cpuN (one core busy N%%), vmSIZE (default none,cpu50,cpu100)")
    List<String> loads = List.of("none", "cpu50", "cpu100");

    @Option(names = "--slowdowns", split = ",", description = "injected extra work as fractions (default 0,0.05,0.10,0.25; 0 = A/A)")
    List<Double> slowdowns = List.of(0.0, 0.05, 0.10, 0.25);

    @Option(names = "--trials", description = "trials per load and slowdown > 0 (default 10)")
    int trials = 10;

    @Option(names = "--aa-trials", description = "A/A trials per load (default 20)")
    int aaTrials = 20;

    @Option(names = "--seed", description = "seed of the trials' order (default 1)")
    long seed = 1;

    @Option(names = "--pairs", description = "the gate's least pairs (default 8)")
    int pairs = AbRun.Plan.adaptive().minPairs();

    @Option(names = "--max-pairs", description = "the gate's most pairs (default 32)")
    int maxPairs = AbRun.Plan.adaptive().maxPairs();

    @Option(names = "--no-duet", description = "sides back to back in a random order, never at the same time")
    boolean noDuet;

    @Option(names = "--jmh", description = "JMH options of both sides (default \"-wi 4 -w 300ms -i 3 -r 100ms\", as the CI gate test)")
    String jmh = "-wi 4 -w 300ms -i 3 -r 100ms";

    @Option(names = "--data", description = "the norm's data set (default flat-4K)")
    String data = "flat-4K";

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || aaTrials < 0 || trials > 1000 || aaTrials > 1000) {
            throw new IllegalArgumentException("--trials " + trials + ", --aa-trials " + aaTrials + ": give 1..1000 trials and 0..1000 A/A trials");
        }
        if (!Files.isRegularFile(AbRun.jarOf(base))) {
            throw new IllegalArgumentException("--base " + base + ": no " + AbRun.jarOf(base) + "; build it with mvn -B -q -DskipTests package");
        }
        AbRun.Plan plan = AbRun.Plan.adaptive().withPairs(pairs, maxPairs).withDuet(!noDuet);
        Filters filters = new Filters(List.of("vector"), null, List.of(data), List.of("f32"), List.of("1"), List.of("NormBenchmark")).validate();
        List<Combo> grid = Grid.build(Profile.quick(), filters).combos().stream().filter(c -> "safe".equals(c.params().get("kind"))).toList();
        if (grid.size() != 1) throw new IllegalArgumentException("--data " + data + ": the quick profile has no vector f32 safe norm of it; use flat-4K");
        var settings = new BenchRun.Settings("quick", AbCommand.withForks(jmh, plan.forksPerRound()), null, "6g", "target/javacpp-cache", true, List.of(), null, true);
        try (JmhLock.Held machine = JmhLock.hold(); AutoCloseable jmhLock = JmhLock.holdForDuets(); RunFolder folder = RunFolder.lock(out)) {
            var study = new GatePower(folder.dir(), base, grid, filters, settings, plan, Compare.Settings.defaults(), System.out);
            study.execute(loads, slowdowns, trials, aaTrials, seed);
            GatePowerTables.write(folder.dir().resolve("trials.csv"), folder.dir());
            System.out.print(Files.readString(folder.dir().resolve("power.md")));
        }
        return 0;
    }
}
