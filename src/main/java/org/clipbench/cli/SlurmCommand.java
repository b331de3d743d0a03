package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.clipbench.cluster.ShardCheck;
import org.clipbench.cluster.Slurm;
import org.clipbench.cluster.SlurmPlan;
import org.clipbench.report.Report;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a bench grid or a sweep on a Slurm cluster: a job array of shards and a merge job (./run-bench.sh --slurm N ...). */
@Command(name = "slurm", mixinStandardHelpOptions = true,
        description = {"Run a bench grid or a sweep as a Slurm job array of shards plus a merge job that checks the shards and",
                "writes the report. Usually through ./run-bench.sh --slurm N [bench options | sweep ...]."},
        subcommands = {SlurmCommand.Submit.class, SlurmCommand.Merge.class, SlurmCommand.Resume.class})
final class SlurmCommand implements Runnable {
    @Override
    public void run() {
        throw new IllegalArgumentException("slurm needs a subcommand: submit, merge or resume (slurm --help)");
    }

    /** The jar this JVM runs from (what the shards run). */
    static Path runningJar() {
        try {
            return Path.of(SlurmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            return Path.of("target", "benchmarks.jar");
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = {"Write the scripts and submit N shards and the merge.",
            "Options not listed here are the bench options (profile, filters, --jmh), or after the word 'sweep' the sweep's,",
            "or after the word 'reproduce' an optional --only ID,ID (reproductions are shared out round-robin)."})
    static final class Submit implements Callable<Integer> {
        @Option(names = "--shards", required = true, description = "number of shards (array tasks)")
        int shards;

        @Option(names = "--out", description = "results folder on the shared filesystem (default results/runs/<UTC time>-<sha>-slurm)")
        Path out;

        @Option(names = "--partition", description = "sbatch --partition")
        String partition;

        @Option(names = "--time", description = "sbatch --time per shard, e.g. 02:00:00")
        String time;

        @Option(names = "--account", description = "sbatch --account")
        String account;

        @Option(names = "--slurm-opt", description = "more sbatch options, e.g. \"--qos=long --constraint=epyc\"")
        String slurmOpt;

        @Option(names = "--cpus-per-task", description = "CPUs per sweep or reproduction shard (its runs go in parallel on them; default 2)")
        int cpusPerTask = 2;

        @Option(names = "--dry-run", description = "write the scripts, submit nothing")
        boolean dryRun;

        @Option(names = "--jar", description = "the jar the shards run (default: this one)")
        Path jar;

        @CommandLine.Unmatched
        List<String> commandArgs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            String first = commandArgs.isEmpty() ? "" : commandArgs.get(0);
            String command = first.equals("sweep") || first.equals("reproduce") ? first : "bench";
            List<String> args = new ArrayList<>(command.equals("bench") ? commandArgs : commandArgs.subList(1, commandArgs.size()));
            if (!args.isEmpty() && !args.get(0).startsWith("-")) {
                throw new IllegalArgumentException("--slurm: '" + args.get(0) + "' is not an option; --slurm runs the bench grid (profile and filter options), "
                        + "or after the word sweep a sweep, or reproductions (--reproduce IDS or --profile paper)");
            }
            List<String> reproductions = List.of();
            if (command.equals("reproduce")) {
                int at = args.indexOf("--only");
                String only = at >= 0 && at + 1 < args.size() ? args.get(at + 1) : null;
                if (at >= 0) args.subList(at, Math.min(at + 2, args.size())).clear();
                reproductions = org.clipbench.reproductions.Reproduction.select(only).stream().map(org.clipbench.reproductions.Reproduction::id).toList();
            }
            List<String> opts = slurmOpt == null || slurmOpt.isBlank() ? List.of() : List.of(slurmOpt.trim().split("\\s+"));
            SlurmPlan plan = new SlurmPlan(command, args, shards, partition, time, account, opts, cpusPerTask, reproductions);
            checkParses(command, args);
            requireWorkForEveryShard(command, args, shards);
            Path results = out != null ? out : Path.of("results", "runs",
                    BenchCommand.folderName(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC), org.clipbench.io.Environment.git(), null) + "-slurm");
            if (Files.isRegularFile(results.resolve(SlurmPlan.FOLDER).resolve("plan.json"))) {
                throw new IllegalArgumentException("--out " + results + ": already holds a Slurm submission; finish it with --slurm-resume " + results
                        + " or choose another folder");
            }
            Slurm.prepare(plan, results, jar != null ? jar : runningJar());
            if (dryRun) {
                System.out.print(Slurm.dryRun(results, plan.allShards()));
                return 0;
            }
            Slurm.submit(results, plan.allShards(), System.out);
            return 0;
        }

        /**
         * More shards than combinations (bench) or runs (sweep) would submit array tasks with nothing to do (100,000 for a grid of
         * 2 wrote --array=1,...,100000), each failing as an empty shard: refused, as reproductions are, naming the largest count.
         */
        static void requireWorkForEveryShard(String command, List<String> args, int shards) {
            if (command.equals("reproduce")) return; // SlurmPlan checks the reproductions against the shards
            List<String> all = new ArrayList<>(List.of(command));
            all.addAll(args);
            Object parsed = Main.commandLine().parseArgs(all.toArray(String[]::new)).subcommand().commandSpec().userObject();
            int items;
            String what;
            if (parsed instanceof SweepCommand sweep) {
                items = sweep.newSweep().runs().size();
                what = "runs";
            } else {
                BenchCommand bench = (BenchCommand) parsed;
                items = org.clipbench.jmhgrid.Grid.build(org.clipbench.jmhgrid.Profile.named(bench.grid.profile), bench.grid.filters()).combos().size();
                what = "combinations";
            }
            if (shards > items) {
                throw new IllegalArgumentException("--shards " + shards + ": the " + command + " has only " + items + " " + what
                        + ", so shards past " + items + " would have nothing to run; use at most " + items + " shards");
            }
        }

        /** Bad bench or sweep options fail here, at submission, not in every shard on the cluster. */
        static void checkParses(String command, List<String> args) {
            List<String> all = new ArrayList<>(List.of(command));
            all.addAll(args);
            try {
                Main.commandLine().parseArgs(all.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException("--slurm: the " + command + " options do not parse: " + e.getMessage());
            }
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true, description = {"Check that every shard finished and covered its part of the grid once;",
            "then write the report over all shards. Exit 1 naming each missing or failed shard (its array index and log)."})
    static final class Merge implements Callable<Integer> {
        @Parameters(index = "0", description = "the submission's results folder")
        Path results;

        @Override
        public Integer call() throws Exception {
            SlurmPlan plan = SlurmPlan.read(results);
            ShardCheck.Outcome o = ShardCheck.check(plan, results);
            if (!o.complete()) {
                System.err.println("merge: the run is incomplete; no report written:");
                o.problems().forEach(p -> System.err.println("  " + p));
                System.err.println("resubmit the failed shards: ./run-bench.sh --slurm-resume " + results.toAbsolutePath().normalize());
                return 1;
            }
            Report.Outcome r = Report.build(o.shardFolders(), results.resolve("report"));
            System.out.printf("merge: all %d shards complete; report %s%n", plan.shards(), r.index());
            r.problems().forEach(p -> System.out.println("  report: " + p));
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resubmit the shards that failed or never finished (each resumes its folder), and the merge.")
    static final class Resume implements Callable<Integer> {
        @Parameters(index = "0", description = "the submission's results folder")
        Path results;

        @Option(names = "--dry-run", description = "say what would be resubmitted, submit nothing")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            SlurmPlan plan = SlurmPlan.read(results);
            ShardCheck.Outcome o = ShardCheck.check(plan, results);
            List<Integer> again = o.incomplete();
            if (o.complete()) {
                System.out.println("every shard finished; resubmitting the merge only");
            } else if (again.isEmpty()) {
                o.problems().forEach(p -> System.err.println("  " + p));
                throw new IllegalArgumentException("the shards finished but do not cover the grid once (above); rerunning shards cannot fix that: start a new submission");
            } else {
                System.out.println("shards to run again: " + again);
                o.problems().forEach(p -> System.out.println("  " + p));
            }
            if (dryRun) {
                System.out.print(Slurm.dryRun(results, again.isEmpty() ? plan.allShards() : again));
                return 0;
            }
            Slurm.forget(results, again);
            if (again.isEmpty()) {
                System.out.println("merge job " + Slurm.submitMergeOnly(results));
            } else {
                Slurm.submit(results, again, System.out);
            }
            return 0;
        }
    }
}
