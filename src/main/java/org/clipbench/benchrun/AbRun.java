package org.clipbench.benchrun;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.clipbench.compare.Compare;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Environment;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Profile;

/**
 * A same-machine A/B per combination that keeps measuring until it can tell (issue 34). Each combination runs in
 * rounds: in round k the base build's forks (base-k/) and this build's forks (candidate-k/) run as a
 * <b>duet</b> — at the same time, one JVM per core, so that a neighbour's load hits both sides alike (Bulej et
 * al. 2020, "Duet benchmarking") — or, for a combination that needs both cores (threads &gt; 1), back to back
 * in a random order. Fork j of base-k pairs with fork j of candidate-k ({@link Compare#compareAb}).
 *
 * <p>After {@link Plan#minPairs} pairs a combination is judged; while a row is still UNRELIABLE (its interval
 * too wide to exclude a slowdown of the minimum effect, or not at steady state) another round runs, up to
 * {@link Plan#maxPairs} pairs or the time budget: more forks rather than more iterations, where fork-to-fork
 * variance dominates (Kalibera and Jones 2013). A row decided on the way stops early: SLOWER only at a p
 * that the final false-discovery control over the whole grid also rejects. This JVM is JMH's host for both
 * sides; the base's forks load their benchmark code from the base jar.
 *
 * @param dir          the A/B folder, locked by the caller
 * @param settings     the JMH settings both sides run with
 * @param base         the base checkout: its target/benchmarks.jar runs the base forks, its git names them
 * @param plan         pairs, forks per round, duet or not, budget
 * @param candidateJmh raw JMH options for the candidate's forks only ("-p extra=0.1": an injected slowdown), or null
 */
public record AbRun(Path dir, BenchRun.Settings settings, Filters filters, Path base, Plan plan, String candidateJmh, PrintStream out) {

    /** How a combination is measured: least and most pairs, forks per side and round, duet, a time budget, the order's seed. */
    public record Plan(int minPairs, int maxPairs, int forksPerRound, boolean duet, double budgetMinutes, long seed) {
        public Plan {
            if (minPairs < 2 || minPairs > 1000) {
                throw new IllegalArgumentException("--pairs " + minPairs + ": give a whole number from 2 to 1000 (8 is the default)");
            }
            if (maxPairs < minPairs) throw new IllegalArgumentException("--max-pairs " + maxPairs + ": give at least --pairs (" + minPairs + ")");
            if (maxPairs > 1000) throw new IllegalArgumentException("--max-pairs " + maxPairs + ": at most 1000 pairs of forks a combination");
            if (forksPerRound < 1 || forksPerRound > 50) {
                throw new IllegalArgumentException("--forks-per-round " + forksPerRound + ": give 1 to 50 (4 is the default)");
            }
            if (!(budgetMinutes > 0)) throw new IllegalArgumentException("--budget " + budgetMinutes + ": give minutes > 0");
        }

        /** 8 to 32 pairs, 4 forks a side per round, duet where a combination runs on one thread, no time limit. */
        public static Plan adaptive() {
            return new Plan(8, 32, 4, true, Double.POSITIVE_INFINITY, 1);
        }

        public Plan withPairs(int min, int max) {
            return new Plan(min, max, forksPerRound, duet, budgetMinutes, seed);
        }

        public Plan withForksPerRound(int forks) {
            return new Plan(minPairs, maxPairs, forks, duet, budgetMinutes, seed);
        }

        public Plan withDuet(boolean on) {
            return new Plan(minPairs, maxPairs, forksPerRound, on, budgetMinutes, seed);
        }

        public Plan withBudget(double minutes) {
            return new Plan(minPairs, maxPairs, forksPerRound, duet, minutes, seed);
        }

        public Plan withSeed(long s) {
            return new Plan(minPairs, maxPairs, forksPerRound, duet, budgetMinutes, s);
        }
    }

    /** The jar inside a checkout. */
    public static Path jarOf(Path checkout) {
        return checkout.resolve("target").resolve("benchmarks.jar");
    }

    /** base-k or candidate-k. */
    static Path sideDir(Path dir, boolean baseSide, int round) {
        return dir.resolve((baseSide ? "base-" : "candidate-") + round);
    }

    /** Whether a combination runs as a duet: asked for, one thread, and a core for each side. */
    boolean duet(Combo c) {
        return plan.duet() && c.threads() == 1 && Runtime.getRuntime().availableProcessors() >= 2;
    }

    /** What became of the A/B: the comparison of every pair (null when no pair ran on both sides), and the forks that failed. */
    public record Outcome(Compare.Result comparison, List<String> failures) {
    }

    /** Runs every combination until it is judged or its budget ends (rounds already in the folder are kept). */
    public Outcome execute(List<Combo> combos, Compare.Settings compare) throws IOException {
        Profile p = settings.profileNamed();
        refuseAnotherAb(combos, p);
        List<String> candidateOptions = new ArrayList<>(settings.jmhArgs());
        candidateOptions.addAll(BenchRun.Settings.splitJmhOptions(candidateJmh));
        BenchRunner baseHost = new BenchRunner(dir, p.settings(), settings.javaBinary(), BenchRun.forkArgs(settings), settings.jmhArgs(), out);
        BenchRunner candidateHost = new BenchRunner(dir, p.settings(), settings.javaBinary(), BenchRun.forkArgs(settings), candidateOptions, out);
        Compare.Settings judged = compare.ignoring(ignoredParams(candidateJmh));
        record(combos, p, judged.ignoredParams());
        List<String> failures = new ArrayList<>();
        Map<String, Integer> pairs = new LinkedHashMap<>();
        long deadline = Double.isInfinite(plan.budgetMinutes()) ? Long.MAX_VALUE : System.nanoTime() + (long) (plan.budgetMinutes() * 60e9);
        // a row decided on the way must stay decided when the whole grid's false discovery rate is controlled: Bonferroni bounds it
        Compare.Settings early = new Compare.Settings(judged.minEffect(), judged.alpha() / Math.max(1, combos.size()), judged.resamples(),
                judged.seed(), judged.ignoredParams(), false);
        int index = 0;
        for (Combo c : combos) {
            index++;
            int round = roundsDone(c);
            while (true) {
                Progress now = progress(c, round, early);
                int n = now.pairs();
                String state = now.open();
                if (n >= plan.maxPairs() || (n >= plan.minPairs() && state.isEmpty())) break;
                if (System.nanoTime() > deadline) {
                    out.printf("[%d/%d] %s: the time budget (%.1f min) ended at %d pairs%n", index, combos.size(), c, plan.budgetMinutes(), n);
                    break;
                }
                round++;
                String head = String.format(Locale.ROOT, "[%d/%d round %d, %d pairs so far%s%s] %s", index, combos.size(), round, n,
                        duet(c) ? ", duet" : "", state.isEmpty() ? "" : ": " + state, c);
                List<String> failed = runRound(c, round, head, baseHost, candidateHost);
                failures.addAll(failed);
                if (!failed.isEmpty()) { // a fork that fails is not noise: more rounds would fail the same way, for ever
                    out.printf("[%d/%d] %s: a side failed in round %d: no more rounds of it (see failures.txt)%n", index, combos.size(), c, round);
                    break;
                }
            }
            pairs.put(c.id(), progress(c, round, early).pairs());
        }
        for (int k : Compare.rounds(dir)) {
            BenchRunner.merge(sideDir(dir, true, k));
            BenchRunner.merge(sideDir(dir, false, k));
        }
        AtomicFiles.write(dir.resolve("pairs.json"), BenchRun.JSON.writeValueAsBytes(pairs));
        writeFailures(failures);
        Compare.Result result;
        try {
            result = Compare.compareAb(dir, judged);
        } catch (IllegalArgumentException nothingInCommon) {
            if (failures.isEmpty()) throw nothingInCommon;
            return new Outcome(null, failures); // every pair lost a side: the failures say why
        }
        AtomicFiles.writeString(dir.resolve("compare.txt"), Compare.text(result));
        AtomicFiles.writeString(dir.resolve("compare.md"), Compare.markdown(result));
        AtomicFiles.writeString(dir.resolve("compare.csv"), Compare.csv(result));
        return new Outcome(result, failures);
    }

    /** A combination's pairs so far, and why it is not judged yet ("" when every row is). */
    private record Progress(int pairs, String open) {
    }

    private Progress progress(Combo c, int rounds, Compare.Settings early) throws IOException {
        if (rounds == 0) return new Progress(0, "not measured yet");
        Compare.Result r;
        try {
            r = Compare.comparePairs(files(c, true, rounds), files(c, false, rounds), early);
        } catch (IllegalArgumentException nothing) {
            return new Progress(0, "no pair to judge yet");
        }
        int pairs = r.rows().stream().mapToInt(x -> x.base().forks()).min().orElse(0);
        List<String> open = r.rows().stream().filter(x -> x.verdict() == Compare.Verdict.UNRELIABLE).map(Compare.Row::why).toList();
        return new Progress(pairs, String.join("; ", open));
    }

    private List<Path> files(Combo c, boolean baseSide, int rounds) {
        List<Path> out = new ArrayList<>();
        for (int k = 1; k <= rounds; k++) out.add(BenchRunner.resultFile(sideDir(dir, baseSide, k), c));
        return out;
    }

    /** The rounds of a combination already in the folder: consecutive from 1, both sides present. */
    private int roundsDone(Combo c) {
        int k = 0;
        while (Files.exists(BenchRunner.resultFile(sideDir(dir, true, k + 1), c)) && Files.exists(BenchRunner.resultFile(sideDir(dir, false, k + 1), c))) k++;
        return k;
    }

    /** One round: both sides' forks, at the same time (duet) or back to back in a random order; the failures. */
    private List<String> runRound(Combo c, int round, String head, BenchRunner baseHost, BenchRunner candidateHost) throws IOException {
        prepareSide(round, true);
        prepareSide(round, false);
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        BenchRunner b = baseHost.forking(sideDir(dir, true, round), jarOf(base)), a = candidateHost.forking(sideDir(dir, false, round), null);
        Runnable runBase = () -> side(b, c, head + " base", "base round " + round + ": ", failures);
        Runnable runCandidate = () -> side(a, c, head + " candidate", "candidate round " + round + ": ", failures);
        if (duet(c)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> fb = pool.submit(runBase), fc = pool.submit(runCandidate);
                fb.get();
                fc.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while round " + round + " of " + c + " ran");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        } else {
            boolean baseFirst = new SplittableRandom(plan.seed() * 1_000_003L + c.id().hashCode() * 31L + round).nextBoolean();
            (baseFirst ? runBase : runCandidate).run();
            (baseFirst ? runCandidate : runBase).run();
        }
        return failures;
    }

    private static void side(BenchRunner runner, Combo c, String head, String label, List<String> failures) {
        List<String> failed = new ArrayList<>();
        try {
            runner.runOne(c, head, failed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        failed.forEach(f -> failures.add(label + f));
    }

    private void writeFailures(List<String> failures) throws IOException {
        if (failures.isEmpty()) {
            Files.deleteIfExists(dir.resolve("failures.txt"));
            return;
        }
        AtomicFiles.writeString(dir.resolve("failures.txt"), String.join("\n", failures) + "\n");
        System.err.println("failed forks (see " + dir.resolve("failures.txt") + "; a combination the base cannot run is left out of the comparison):");
        failures.forEach(f -> System.err.println("  " + f));
    }

    /** The JMH parameters the candidate's own options set ("-p NAME=v"): the sides differ in them by design. */
    static List<String> ignoredParams(String candidateJmh) {
        List<String> args = BenchRun.Settings.splitJmhOptions(candidateJmh), out = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) if (args.get(i).equals("-p")) out.add(args.get(i + 1).split("=", 2)[0]);
        return out;
    }

    /**
     * A folder that already holds an A/B is continued only when it is this one (same grid, base jar, plan, profile and
     * JMH options): its finished rounds are kept. Anything else would mix two A/Bs.
     */
    private void refuseAnotherAb(List<Combo> combos, Profile p) throws IOException {
        Path abFile = dir.resolve("ab.json"), gridFile = dir.resolve("grid.json");
        if (!Files.exists(abFile)) {
            org.clipbench.io.RunFolder.requireEmptyOrOnly(dir, "an A/B", name -> name.startsWith("base-") || name.startsWith("candidate-"));
            return;
        }
        var before = BenchRun.JSON.readTree(abFile.toFile());
        List<String> differ = new ArrayList<>();
        if (!before.path("plan").equals(BenchRun.JSON.readTree(BenchRun.JSON.writeValueAsBytes(plan)))) differ.add("another plan " + before.path("plan"));
        if (!before.path("base").path("jar").asText().equals(jarOf(base).toAbsolutePath().toString())) differ.add("base " + before.path("base").path("jar").asText());
        if (!before.path("profile").asText().equals(p.name())) differ.add("profile " + before.path("profile").asText());
        if (!before.path("jmh").asText().equals(settings.jmh() == null ? "" : settings.jmh())) differ.add("JMH options '" + before.path("jmh").asText() + "'");
        if (!before.path("candidate_jmh").asText().equals(candidateJmh == null ? "" : candidateJmh)) {
            differ.add("candidate JMH options '" + before.path("candidate_jmh").asText() + "'");
        }
        if (!Files.exists(gridFile) || !BenchRun.JSON.readTree(gridFile.toFile()).equals(BenchRun.JSON.valueToTree(combos))) differ.add("another grid");
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds another A/B (" + String.join(", ", differ) + "); give --out a new folder");
        }
    }

    /** ab.json and grid.json; each side's environment.json is written with its first round. */
    private void record(List<Combo> combos, Profile p, List<String> ignored) throws IOException {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("schema", 2);
        ab.put("order", "per combination, rounds of forks: base-k and candidate-k at the same time (duet, one-thread combinations) or back to "
                + "back in a random order; fork j of base-k pairs with fork j of candidate-k; rounds are added until every row is judged or the plan ends");
        ab.put("plan", plan);
        ab.put("base", Map.of("jar", jarOf(base).toAbsolutePath().toString(), "git", Environment.gitOf(base)));
        ab.put("candidate", Map.of("git", Environment.git()));
        ab.put("profile", p.name());
        ab.put("jmh", settings.jmh() == null ? "" : settings.jmh());
        ab.put("candidate_jmh", candidateJmh == null ? "" : candidateJmh);
        ab.put("ignored_params", ignored);
        ab.put("filters", filters);
        AtomicFiles.write(dir.resolve("ab.json"), BenchRun.JSON.writeValueAsBytes(ab));
        AtomicFiles.write(dir.resolve("grid.json"), BenchRun.JSON.writeValueAsBytes(combos));
    }

    /** A round's side folder with its environment.json (kept when it exists: a resumed round keeps its first record). */
    private void prepareSide(int round, boolean baseSide) throws IOException {
        Path side = sideDir(dir, baseSide, round);
        Files.createDirectories(side);
        Path env = side.resolve("environment.json");
        if (Files.exists(env)) return;
        Profile p = settings.profileNamed();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("profile", p.name());
        extra.put("settings", p.settings());
        extra.put("command_line", System.getProperty(Environment.COMMAND_PROPERTY, "ab"));
        extra.put("filters", filters);
        extra.put("ab_side", baseSide ? "base" : "candidate");
        extra.put("ab_round", round);
        if (baseSide) {
            extra.put("git", Environment.gitOf(base));
            extra.put("benchmark_jar", jarOf(base).toAbsolutePath().toString());
        } else if (candidateJmh != null && !candidateJmh.isBlank()) {
            extra.put("candidate_jmh", candidateJmh);
        }
        extra.put("fork_jvm_args", BenchRun.forkArgs(settings));
        AtomicFiles.write(env, BenchRun.JSON.writeValueAsBytes(Environment.capture(extra)));
    }
}
