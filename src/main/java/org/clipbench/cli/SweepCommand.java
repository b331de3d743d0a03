package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.experiments.SweepRunner;
import org.clipbench.experiments.SweepSummary;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Environment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a convergence sweep (strategy x learning rate x seed on one problem). */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a convergence sweep from a JSON file or a preset; writes runs/<id>.json per finished run,",
                "runs.csv, curves.csv, sweep.json, environment.json and summary.md. Rerun with --resume DIR to finish."})
public final class SweepCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--config", description = "sweep file (JSON); see src/main/resources/sweeps/ for examples")
        Path config;

        @Option(names = "--preset", description = "a shipped sweep: smoke, addition-quick, digits-quick, digits-threshold-lr (learning rate x threshold), addition, digits")
        String preset;

        @Option(names = "--resume", description = "finish the sweep in this folder (its sweep.json); finished runs are kept")
        Path resume;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", description = "results folder (default results/runs/<UTC time>-<sha>[-dirty]-sweep-<name>)")
    Path out;

    @Option(names = "--threads", description = "runs in parallel (default: the number of cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--shard", description = "run shard k of n (k/n) of the grid")
    String shard;

    @Option(names = "--quiet", description = "no progress bar (also when CI is set or there is no terminal)")
    boolean quiet;

    @Option(names = "--lrs", split = ",", description = "replace the file's learning rates, e.g. 0.01,0.1")
    List<Double> lrs;

    @Option(names = "--strategies", split = ";", description = "replace the file's strategies, ';'-separated, e.g. \"none;global-norm:c=1,p=2\"")
    List<String> strategies;

    @Option(names = "--seeds", split = ",", description = "replace the file's seeds, e.g. 1,2,3 (or a count with --seed-count)")
    List<Long> seeds;

    /** More seeds than any sweep here needs (its grid is built in memory: 2e9 ran out of it). */
    static final int MAX_SEEDS = 100_000;

    @Option(names = "--seed-count", description = "use seeds 1..N")
    Integer seedCount;

    @Option(names = "--steps", description = "replace the file's step budget")
    Long steps;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The shard a sweep folder ran (from its environment.json), or null for the whole grid. */
    private static String readShard(Path dir) throws java.io.IOException {
        Path env = dir.resolve("environment.json");
        if (!Files.isRegularFile(env)) return null;
        var s = SweepRunner.JSON.readTree(env.toFile()).path("shard");
        return s.isTextual() ? s.asText() : null;
    }

    /** The sweep a new run trains: the file or preset, with the command line's replacements. */
    SweepConfig newSweep() {
        SweepConfig cfg = source.config != null ? SweepConfig.read(source.config) : SweepConfig.preset(source.preset);
        if (seedCount != null) {
            if (seeds != null) throw new IllegalArgumentException("--seeds and --seed-count both name the seeds; give one of them");
            if (seedCount < 1 || seedCount > MAX_SEEDS) throw new IllegalArgumentException("--seed-count " + seedCount + ": give 1 to " + MAX_SEEDS);
            seeds = java.util.stream.LongStream.rangeClosed(1, seedCount).boxed().toList();
        }
        return cfg.with(lrs, strategies, seeds, steps);
    }

    /**
     * Shard k of n takes runs k-1, k-1+n, ...: with more shards than runs some hold none. That is refused, as bench
     * refuses an empty shard of its grid (it failed after training nothing, on "Column lr does not exist in table
     * runs.csv"); slurm submit refuses more shards than runs, so an array never has such a task.
     */
    static void requireRunsInShard(SweepConfig cfg, int k, int n) {
        int runs = cfg.runs().size();
        if (k > runs) {
            throw new IllegalArgumentException("--shard " + k + "/" + n + ": this shard holds no run (the sweep has " + runs + " run"
                    + (runs == 1 ? "" : "s") + "); use at most " + runs + " shard" + (runs == 1 ? "" : "s"));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
        SweepConfig cfg;
        Path dir;
        if (source.resume != null) {
            dir = source.resume;
            List<String> given = java.util.stream.Stream.of("--lrs", "--strategies", "--seeds", "--seed-count", "--steps", "--out")
                    .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).toList();
            if (!given.isEmpty()) {
                throw new IllegalArgumentException("--resume takes the sweep from " + dir.resolve("sweep.json") + "; drop " + given
                        + " (or start a new sweep with them)");
            }
            cfg = SweepConfig.read(dir.resolve("sweep.json"));
            SweepRunner.requireBackend(cfg);
            String ranShard = readShard(dir);
            if (shard == null) shard = ranShard;
            else if (!shard.equals(ranShard)) {
                throw new IllegalArgumentException("--shard " + shard + ": " + dir + " holds shard " + (ranShard == null ? "1/1 (all)" : ranShard)
                        + "; drop --shard to resume it");
            }
        } else {
            cfg = newSweep();
            int[] kn = shard == null ? new int[] {1, 1} : BenchCommand.parseShard(shard);
            requireRunsInShard(cfg, kn[0], kn[1]); // before a folder is made: an empty shard leaves none behind
            SweepRunner.requireBackend(cfg);
            String name = BenchCommand.folderName(ZonedDateTime.now(ZoneOffset.UTC), Environment.git(), shard) + "-sweep-" + cfg.name();
            dir = out != null ? out : org.clipbench.io.RunFolder.createUniqueDir(Path.of("results", "runs"), name);
        }
        int[] kn = shard == null ? new int[] {1, 1} : BenchCommand.parseShard(shard);
        Files.createDirectories(dir);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("command_line", System.getProperty(Main.COMMAND_PROPERTY, "sweep"));
        extra.put("sweep", cfg.name());
        extra.put("threads", threads);
        extra.put("shard", shard);
        byte[] environment = SweepRunner.JSON.writeValueAsBytes(Environment.capture(extra));
        // a resume keeps the first session's environment.json and records its own beside it
        AtomicFiles.write(source.resume == null ? dir.resolve("environment.json")
                : dir.resolve("logs").resolve("environment-resume-" + System.currentTimeMillis() + ".json"), environment);
        int runs = cfg.runs().size();
        System.out.printf("sweep %s: %d runs (%d strategies x %d learning rates x %d seeds) on %d threads -> %s%n", cfg.name(), runs,
                cfg.strategies().size(), cfg.lrs().size(), cfg.seeds().size(), threads, dir);
        boolean progress = !quiet && System.getenv("CI") == null && System.console() != null;
        SweepRunner.Outcome o = SweepRunner.run(cfg, dir, threads, kn[0], kn[1], progress, System.out);
        System.out.printf("%d runs trained, %d already done, %d diverged; %d rows in %s%n", o.ran(), o.resumed(), o.diverged(), o.rows(),
                dir.resolve("runs.csv"));
        String md = SweepSummary.markdown(dir);
        AtomicFiles.writeString(dir.resolve("summary.md"), md);
        System.out.println();
        System.out.println(md);
        return 0;
    }
}
