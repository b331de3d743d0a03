package org.clipbench.benchrun;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Environment;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Profile;

/**
 * A same-machine A/B per combination: for each combination, the base build's fork and this build's fork
 * run back to back, A B in odd rounds and B A in even ones, so both sides of a pair see the same minutes
 * of machine state (whole-grid rounds put minutes or hours between them). This JVM is JMH's host for
 * both; the base's forks load their benchmark code from the base jar. Writes base-k/ and candidate-k/
 * (one fork each, ordinary results folders that compare reads) and ab.json (who ran, in which order).
 *
 * @param dir       the A/B folder, locked by the caller
 * @param settings  the JMH settings both sides run with (one fork per side and round)
 * @param base      the base checkout: its target/benchmarks.jar runs the base forks, its git names them
 * @param rounds    pairs per combination
 */
public record AbRun(Path dir, BenchRun.Settings settings, Filters filters, Path base, int rounds, PrintStream out) {

    /** The base jar inside a checkout. */
    public static Path jarOf(Path checkout) {
        return checkout.resolve("target").resolve("benchmarks.jar");
    }

    /** base-k or candidate-k. */
    static Path sideDir(Path dir, boolean baseSide, int round) {
        return dir.resolve((baseSide ? "base-" : "candidate-") + round);
    }

    /** Whether the base runs first in a round: A B in odd rounds, B A in even ones. */
    static boolean baseFirst(int round) {
        return round % 2 == 1;
    }

    /** Runs every pair (pairs already in the folder are kept); 1 when a fork failed on either side, else 0. */
    public int execute(List<Combo> combos) throws IOException {
        Profile p = settings.profileNamed();
        refuseAnotherAb(combos, p);
        BenchRunner host = new BenchRunner(dir, p.settings(), settings.javaBinary(), BenchRun.forkArgs(settings), settings.jmhArgs(), out);
        record(combos, p);
        List<String> failures = new ArrayList<>();
        int index = 0;
        for (Combo c : combos) {
            index++;
            for (int k = 1; k <= rounds; k++) {
                for (boolean baseSide : baseFirst(k) ? new boolean[] {true, false} : new boolean[] {false, true}) {
                    String head = String.format(Locale.ROOT, "[%d/%d round %d/%d %s] %s", index, combos.size(), k, rounds,
                            baseSide ? "base" : "candidate", c);
                    List<String> failed = new ArrayList<>();
                    host.forking(sideDir(dir, baseSide, k), baseSide ? jarOf(base) : null).runOne(c, head, failed);
                    String side = (baseSide ? "base" : "candidate") + " round " + k + ": ";
                    failed.forEach(f -> failures.add(side + f));
                }
            }
        }
        int results = 0;
        for (int k = 1; k <= rounds; k++) {
            results += BenchRunner.merge(sideDir(dir, true, k)) + BenchRunner.merge(sideDir(dir, false, k));
        }
        out.printf("%d combinations x %d rounds x 2 builds: %d results, %d failed%n", combos.size(), rounds, results, failures.size());
        if (failures.isEmpty()) {
            Files.deleteIfExists(dir.resolve("failures.txt"));
            return 0;
        }
        AtomicFiles.writeString(dir.resolve("failures.txt"), String.join("\n", failures) + "\n");
        System.err.println("failed forks (see " + dir.resolve("failures.txt") + "; a combination the base cannot run is left out of the comparison):");
        failures.forEach(f -> System.err.println("  " + f));
        return 1;
    }

    /**
     * A folder that already holds an A/B is continued only when it is this one (same grid, base jar,
     * rounds, profile and JMH options): its finished pairs are kept. Anything else would mix two A/Bs.
     */
    private void refuseAnotherAb(List<Combo> combos, Profile p) throws IOException {
        Path abFile = dir.resolve("ab.json"), gridFile = dir.resolve("grid.json");
        if (!Files.exists(abFile)) {
            org.clipbench.io.RunFolder.requireEmptyOrOnly(dir, "an A/B", name -> name.startsWith("base-") || name.startsWith("candidate-"));
            return;
        }
        var before = BenchRun.JSON.readTree(abFile.toFile());
        List<String> differ = new ArrayList<>();
        if (before.path("rounds").asInt() != rounds) differ.add("rounds " + before.path("rounds").asInt());
        if (!before.path("base").path("jar").asText().equals(jarOf(base).toAbsolutePath().toString())) differ.add("base " + before.path("base").path("jar").asText());
        if (!before.path("profile").asText().equals(p.name())) differ.add("profile " + before.path("profile").asText());
        if (!before.path("jmh").asText().equals(settings.jmh() == null ? "" : settings.jmh())) differ.add("JMH options '" + before.path("jmh").asText() + "'");
        if (!Files.exists(gridFile) || !BenchRun.JSON.readTree(gridFile.toFile()).equals(BenchRun.JSON.valueToTree(combos))) differ.add("another grid");
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds another A/B (" + String.join(", ", differ) + "); give --out a new folder");
        }
    }

    /** ab.json, grid.json, and each side's environment.json with that side's git. */
    private void record(List<Combo> combos, Profile p) throws IOException {
        Map<String, Object> baseGit = Environment.gitOf(base);
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("schema", 1);
        ab.put("order", "per combination: base then candidate in odd rounds, candidate then base in even rounds");
        ab.put("rounds", rounds);
        ab.put("base", Map.of("jar", jarOf(base).toAbsolutePath().toString(), "git", baseGit));
        ab.put("candidate", Map.of("git", Environment.git()));
        ab.put("profile", p.name());
        ab.put("jmh", settings.jmh() == null ? "" : settings.jmh());
        ab.put("filters", filters);
        AtomicFiles.write(dir.resolve("ab.json"), BenchRun.JSON.writeValueAsBytes(ab));
        AtomicFiles.write(dir.resolve("grid.json"), BenchRun.JSON.writeValueAsBytes(combos));
        for (int k = 1; k <= rounds; k++) {
            for (boolean baseSide : new boolean[] {true, false}) {
                Path side = sideDir(dir, baseSide, k);
                Files.createDirectories(side);
                Path env = side.resolve("environment.json");
                if (Files.exists(env)) continue; // a rerun into the same folder keeps the first record
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("profile", p.name());
                extra.put("settings", p.settings());
                extra.put("command_line", System.getProperty(Environment.COMMAND_PROPERTY, "ab"));
                extra.put("filters", filters);
                extra.put("ab_side", baseSide ? "base" : "candidate");
                extra.put("ab_round", k);
                if (baseSide) {
                    extra.put("git", baseGit);
                    extra.put("benchmark_jar", jarOf(base).toAbsolutePath().toString());
                }
                extra.put("fork_jvm_args", BenchRun.forkArgs(settings));
                AtomicFiles.write(env, BenchRun.JSON.writeValueAsBytes(Environment.capture(extra)));
            }
        }
    }
}
