package org.clipbench.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.io.Environment;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import org.clipbench.benchrun.BenchRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a benchmark profile into a results folder, then writes the summary. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the JMH kernel sweep of a profile and write results/runs/<UTC time>-<git sha>[-dirty]/:",
                "results.json (JMH JSON), jmh/<combination>.json (one per combination, written atomically),",
                "environment.json, grid.json, logs/, summary.md. Rerun with --resume DIR after an interruption."})
public final class BenchCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    GridOptions grid = new GridOptions();

    @Option(names = "--jvm", description = "run the benchmark forks on this java binary (e.g. another JDK); recorded in environment.json")
    Path jvm;

    @Option(names = "--jmh", description = "raw JMH options passed through, e.g. \"-f 2 -i 10 -prof gc\"")
    String jmh;

    @Option(names = "--shard", description = "run shard k of n (k/n) of the grid; shards partition it exactly")
    String shard;

    @Option(names = "--out", description = "results folder (default results/runs/<UTC time>-<sha>[-dirty][-shard])")
    Path out;

    @Option(names = "--resume", description = "continue an interrupted run in this folder: finished combinations are kept")
    Path resume;

    @Option(names = "--results-root", description = "where new results folders go (default results/runs)")
    Path resultsRoot = Path.of("results", "runs");

    @Option(names = "--fork-heap", description = "heap of each benchmark fork (default 6g; gpt2-small f64 needs about 5g)")
    String forkHeap = "6g";

    @Option(names = "--javacpp-cache", description = "where ND4J unpacks its ~400 MB of natives (default target/javacpp-cache)")
    Path javacppCache = Path.of("target", "javacpp-cache");

    @Option(names = "--yes", description = "start the full profile without asking")
    boolean yes;

    @Option(names = "--dry-run", description = "print the grid and its estimated duration, run nothing")
    boolean dryRun;

    @Option(names = "--peers", split = ",", description = "peers measured in the same run when installed: pytorch, jax, or none "
            + "(default: the profile's; quick, full and accuracy name pytorch,jax)")
    List<String> peers;

    @Option(names = "--python", description = "the Python interpreter of the peers (default: the first of $CLIPBENCH_PYTHON, .venv/bin/python, "
            + "python3, /usr/bin/python3 with the newest torch; JAX's: the first with jax and optax)")
    Path python;

    @Option(names = "--no-accuracy", description = "skip the profile's accuracy table (quick: 1K to 4M entries; full: to 2^30); a filtered "
            + "or sharded run skips it anyway, and --profile accuracy runs nothing else")
    boolean noAccuracy;

    @Option(names = "--no-sweep", description = "skip the profile's convergence sweep (smoke: smoke; quick: digits-quick; full: digits and addition)")
    boolean noSweep;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Options that choose what a run does; a resume takes them all from the folder (run.json, grid.json). */
    static final List<String> RUN_SETTINGS = List.of("--profile", "--backends", "--strategies", "--data", "--dtypes", "--threads",
            "--benchmarks", "--jvm", "--jmh", "--shard", "--out", "--results-root", "--fork-heap", "--javacpp-cache", "--no-sweep", "--no-accuracy",
            "--peers", "--python");

    private BenchRun.Settings settingsOf(Path dir) throws IOException {
        List<String> given = RUN_SETTINGS.stream().filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o)).toList();
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("--resume takes every setting from " + dir + " (run.json, grid.json); drop " + given);
        }
        Path f = dir.resolve("run.json");
        if (Files.isRegularFile(f)) {
            try {
                return JSON.readValue(f.toFile(), BenchRun.Settings.class);
            } catch (IOException e) {
                throw new IllegalArgumentException(f + ": cannot be read (" + e.getMessage().lines().findFirst().orElse("")
                        + "); the run's settings are lost: start a new run");
            }
        }
        // folders from before run.json: the profile is in environment.json, the rest were defaults
        Path env = dir.resolve("environment.json");
        if (!Files.isRegularFile(env)) {
            throw new IllegalArgumentException("--resume " + dir + ": neither run.json nor environment.json there, so the run's settings are lost; start a new run");
        }
        String prof;
        try {
            prof = JSON.readTree(env.toFile()).path("profile").asText("quick");
        } catch (IOException e) {
            throw new IllegalArgumentException(env + ": cannot be read (" + e.getMessage().lines().findFirst().orElse("") + "); start a new run");
        }
        return new BenchRun.Settings(prof, null, null, forkHeap, javacppCache.toString(), noSweep, List.of(), null, noAccuracy);
    }

    @Override
    public Integer call() throws Exception {
        if (resume != null) takeSettingsFrom(resume);
        Profile p = Profile.named(grid.profile);
        List<String> chosenPeers = choosePeers(peers, p);
        Filters filters = grid.filters();
        BenchRunner.parseJmhOptions(BenchRun.Settings.splitJmhOptions(jmh)); // fail on bad JMH options before anything is written
        if (resume == null) BenchRunner.refuseGridParameters(BenchRun.Settings.splitJmhOptions(jmh), org.clipbench.jmhgrid.Grid.build(p, filters).combos());
        if (!forkHeap.matches("[1-9][0-9]*[kKmMgG]?")) {
            throw new IllegalArgumentException("--fork-heap " + forkHeap + ": give a heap size as java's -Xmx takes it, e.g. 6g or 4096m");
        }
        if (jvm != null && !Files.isExecutable(jvm)) {
            throw new IllegalArgumentException("--jvm " + jvm + ": not an executable java binary");
        }
        if (jvm != null) requireJava(jvm, JAVA_CHECK_LIMIT);
        if (python != null) org.clipbench.peer.PythonPeers.requireInterpreter(python);
        Plan plan = resume != null ? planResume(p) : planNewRun(p, filters);
        if (plan == null) return 0; // a dry run
        BenchRun.Settings settings = new BenchRun.Settings(p.name(), jmh, jvm == null ? null : jvm.toAbsolutePath().toString(), forkHeap,
                javacppCache.toString(), noSweep, chosenPeers, python == null ? null : python.toAbsolutePath().toString(), noAccuracy);
        try (org.clipbench.jmhgrid.JmhLock.Held machine = org.clipbench.jmhgrid.JmhLock.hold(); // for the whole run: checked and taken at once
             org.clipbench.io.RunFolder folder = resume != null ? org.clipbench.io.RunFolder.lock(resume)
                : out != null ? org.clipbench.io.RunFolder.lock(out)
                : org.clipbench.io.RunFolder.createUnique(resultsRoot, folderName(ZonedDateTime.now(ZoneOffset.UTC), Environment.git(), shard))) {
            return new BenchRun(folder.dir(), settings, filters, shard, resume != null, System.out).execute(plan.combos(), plan.leftOut());
        }
    }

    /** How long each --jvm check may take (a java answers -version in well under a second; a hung one never does). */
    static final java.time.Duration JAVA_CHECK_LIMIT = java.time.Duration.ofSeconds(60);

    /**
     * --jvm must be a java that starts: '-version' must name a version (an executable such as /bin/true failed every
     * fork later), and it must run this jar's code as a fork would (a script that fakes -version failed every fork
     * with "Unable to extract forked JVM properties"). Each check is killed, with its children, past the limit.
     */
    static void requireJava(Path jvm, java.time.Duration limit) throws InterruptedException {
        String example = "give a java binary, e.g. /usr/lib/jvm/java-21-openjdk-amd64/bin/java";
        org.clipbench.io.ExternalCommand.Result version = checkRun(jvm, List.of(jvm.toString(), "-version"), limit, example);
        if (!version.output().matches("(?s).*\\bversion \"[0-9].*")) {
            throw new IllegalArgumentException("--jvm " + jvm + ": not a java binary ('-version' printed no Java version); " + example);
        }
        org.clipbench.io.ExternalCommand.Result fork = checkRun(jvm, List.of(jvm.toString(), "--add-modules=jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), ForkProbe.class.getName()), limit, example);
        if (fork.exit() != 0 || !fork.output().contains(ForkProbe.OK)) {
            throw new IllegalArgumentException("--jvm " + jvm + ": answers -version but cannot run a benchmark fork (exit " + fork.exit() + ": "
                    + fork.lastLine() + "); " + example + " (17 or newer, with the jdk.incubator.vector module)");
        }
    }

    private static org.clipbench.io.ExternalCommand.Result checkRun(Path jvm, List<String> cmd, java.time.Duration limit, String example)
            throws InterruptedException {
        try {
            return org.clipbench.io.ExternalCommand.run(cmd, null, limit);
        } catch (IOException e) {
            throw new IllegalArgumentException("--jvm " + jvm + ": cannot be started (" + e.getMessage() + "); " + example);
        } catch (org.clipbench.io.ExternalCommand.TimedOut e) {
            throw new IllegalArgumentException("--jvm " + jvm + ": '" + String.join(" ", cmd.subList(1, cmd.size())).replaceAll("-cp \\S+", "-cp …")
                    + "' did not finish within " + limit.toSeconds() + " s (stopped); " + example);
        }
    }

    /** The combinations to run, and those of the profile a backend cannot run (with why). */
    record Plan(List<Combo> combos, Map<String, String> leftOut) {
    }

    /** A resume takes every setting from the folder (run.json), the command line gives none. */
    private void takeSettingsFrom(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("grid.json"))) {
            throw new IllegalArgumentException("--resume " + dir + ": no grid.json there; is it a results folder of a bench run?");
        }
        BenchRun.Settings rs = settingsOf(dir);
        grid.profile = rs.profile();
        jmh = rs.jmh();
        jvm = rs.jvm() == null ? null : Path.of(rs.jvm());
        forkHeap = rs.forkHeap();
        javacppCache = Path.of(rs.javacppCache());
        noSweep = rs.noSweep();
        peers = rs.peers() == null ? List.of() : rs.peers();
        python = rs.python() == null ? null : Path.of(rs.python());
        noAccuracy = rs.noAccuracy();
    }

    /** The folder's grid; null after a dry run's count of what is left. */
    private Plan planResume(Profile p) {
        List<Combo> combos = readGrid(resume);
        if (dryRun) {
            long left = combos.stream().filter(c -> BenchRunner.invalidResult(BenchRunner.resultFile(resume, c)) != null).count();
            System.out.printf(Locale.ROOT, "resume %s (profile %s): %d of %d combinations left to run%n", resume, p.name(), left, combos.size());
            return null;
        }
        return new Plan(combos, Map.of());
    }

    /** The profile's grid, filtered and sharded, with its estimated duration; null after a dry run's listing. */
    private Plan planNewRun(Profile p, Filters filters) {
        Grid grid = Grid.build(p, filters);
        int[] kn = parseShard(shard);
        if (kn != null) grid = grid.shard(kn[0], kn[1]);
        List<Combo> combos = grid.combos();
        boolean accuracyOnly = p.blocks().isEmpty() && p.accuracyPlan() != null;
        if (combos.isEmpty() && !accuracyOnly) throw new IllegalArgumentException("the filters leave nothing to run in profile " + p.name());
        double minutes = grid.estimateSeconds(p.settings()) / 60;
        if (p.accuracyPlan() != null && (accuracyOnly || (!noAccuracy && shard == null && filters.isEmpty()))) {
            org.clipbench.accuracy.AccuracyPlan ap = org.clipbench.accuracy.AccuracyPlan.named(p.accuracyPlan());
            System.out.printf(Locale.ROOT, "accuracy plan %s: 2^%d..2^%d entries, %d value laws, %d dtypes (its own JVM, heap %d MiB)%n", ap.name(),
                    ap.log2Sizes().get(0), ap.log2Sizes().get(ap.log2Sizes().size() - 1), ap.laws().size(), ap.dtypes().size(),
                    BenchRun.accuracyHeap(ap) >> 20);
        }
        System.out.printf(Locale.ROOT, "profile %s: %d combinations, estimated %.0f min (%s)%n", p.name(), combos.size(), minutes, p.description());
        if (dryRun) {
            combos.forEach(c -> System.out.println("  " + c));
            grid.leftOut().forEach((c, why) -> System.out.println("  not run: " + c + " (" + why + ")"));
            return null;
        }
        if (p.name().equals("full") && !yes && !confirm(minutes)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the full profile takes about %.1f hours; rerun with --yes to start it", minutes / 60));
        }
        return new Plan(combos, grid.leftOut());
    }

    private static List<Combo> readGrid(Path dir) {
        try {
            List<Combo> grid = JSON.readValue(dir.resolve("grid.json").toFile(), new TypeReference<List<Combo>>() { });
            if (grid.stream().anyMatch(c -> org.clipbench.bench.Benchmarks.withCurrentNames(c.params()) != c.params())) {
                throw new IllegalArgumentException(dir.resolve("grid.json") + ": names the data set 'params' or 'size', as versions "
                        + "before December 2026 did; its results stay readable (report, compare), but resume it with that version or start a new run");
            }
            return grid;
        } catch (IOException e) {
            throw new IllegalArgumentException(dir.resolve("grid.json") + ": cannot be read ("
                    + e.getMessage().lines().findFirst().orElse("") + "); start a new run");
        }
    }

    /** The peers --peers can name. */
    static final List<String> PEERS = List.of(org.clipbench.peer.PytorchPeer.NAME, org.clipbench.peer.JaxPeer.NAME);

    /** --peers (pytorch, jax, or none) or the profile's peers. */
    static List<String> choosePeers(List<String> given, Profile p) {
        if (given == null) return p.peers();
        if (given.equals(List.of("none"))) return List.of();
        for (String peer : given) {
            if (!PEERS.contains(peer)) {
                throw new IllegalArgumentException("--peers " + peer + ": the peers are " + String.join(", ", PEERS) + " (or none)");
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(given));
    }

    static int[] parseShard(String s) {
        if (s == null) return null;
        String[] parts = s.split("/");
        try {
            if (parts.length == 2) {
                int k = Integer.parseInt(parts[0].trim()), n = Integer.parseInt(parts[1].trim());
                if (n >= 1 && k >= 1 && k <= n) return new int[] {k, n};
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--shard '" + s + "': write k/n with 1 <= k <= n, e.g. --shard 2/4");
    }

    /** results/runs/&lt;yyyyMMddTHHmmssZ&gt;-&lt;sha&gt;[-dirty][-shard-k-of-n]. */
    static String folderName(ZonedDateTime utc, Map<String, Object> git, String shard) {
        String name = utc.format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")) + "-" + git.get("sha");
        if (Boolean.TRUE.equals(git.get("dirty"))) name += "-dirty";
        if (shard != null) {
            int[] kn = parseShard(shard);
            name += "-shard" + kn[0] + "of" + kn[1];
        }
        return name;
    }

    private static boolean confirm(double minutes) {
        if (System.console() == null) return false;
        String answer = System.console().readLine("%s", String.format(Locale.ROOT, "The full profile takes about %.1f hours. Start it? [y/N] ", minutes / 60));
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }
}
