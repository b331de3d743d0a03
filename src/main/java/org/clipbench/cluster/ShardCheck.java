package org.clipbench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.clipbench.experiments.RunSpec;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.jmhgrid.BenchRunner;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import tech.tablesaw.api.Table;

/**
 * Did every shard of a submission finish, and do the shards cover the grid exactly once? Each problem
 * names the shard, its array index and its log; a merge with any problem writes no report and fails.
 */
public final class ShardCheck {
    private ShardCheck() {
    }

    /** The outcome: problems (empty when the run is complete), shards to run again, and the shard folders. */
    public record Outcome(List<String> problems, List<Integer> incomplete, List<Path> shardFolders) {
        public boolean complete() {
            return problems.isEmpty();
        }
    }

    public static Outcome check(SlurmPlan plan, Path results) throws IOException {
        List<String> problems = new ArrayList<>();
        Set<Integer> incomplete = new LinkedHashSet<>();
        List<Path> folders = new ArrayList<>();
        for (int k : plan.allShards()) {
            Path dir = SlurmPlan.shardFolder(results, k);
            folders.add(dir);
            String why = exitProblem(results, k);
            if (why != null) {
                problems.add("shard " + k + " (array index " + k + "): " + why + "; log: " + SlurmPlan.logOf(results, k));
                incomplete.add(k);
            }
        }
        if (incomplete.isEmpty()) {
            switch (plan.command()) {
                case "bench" -> coverBench(plan, results, problems, incomplete);
                case "sweep" -> coverSweep(plan, results, problems, incomplete);
                default -> coverReproductions(plan, results, problems, incomplete);
            }
        }
        return new Outcome(problems, List.copyOf(incomplete), folders);
    }

    /** Why shard k did not finish well, from the exit status its script records last (none: killed, e.g. at its time limit). */
    static String exitProblem(Path results, int k) throws IOException {
        Path exit = SlurmPlan.exitFileOf(results, k);
        if (!Files.isRegularFile(exit)) {
            return Files.isRegularFile(SlurmPlan.logOf(results, k)) ? "started but recorded no exit status (killed, e.g. at its time limit?)"
                    : "never ran (no log)";
        }
        String code = Files.readString(exit).trim();
        return code.equals("0") ? null : "failed with exit status " + code;
    }

    /** Bench: each shard's grid.json is its share of the full grid (rebuilt from the profile and filters), and every combination has a result. */
    static void coverBench(SlurmPlan plan, Path results, List<String> problems, Set<Integer> incomplete) throws IOException {
        Map<String, Integer> ranBy = new HashMap<>();
        List<Combo> full = null;
        for (int k : plan.allShards()) {
            Path dir = SlurmPlan.shardFolder(results, k);
            if (!Files.isRegularFile(dir.resolve("grid.json"))) {
                problems.add("shard " + k + ": no grid.json in " + dir + "; log: " + SlurmPlan.logOf(results, k));
                incomplete.add(k);
                continue;
            }
            if (full == null) full = fullGrid(dir);
            List<Combo> mine = List.of(SlurmPlan.JSON.readValue(dir.resolve("grid.json").toFile(), Combo[].class));
            int missing = 0;
            for (Combo c : mine) {
                Integer other = ranBy.put(c.id(), k);
                if (other != null) problems.add("combination " + c.id() + " ran in shard " + other + " and shard " + k);
                if (BenchRunner.invalidResult(BenchRunner.resultFile(dir, c)) != null) missing++;
            }
            if (missing > 0) {
                problems.add("shard " + k + ": " + missing + " of " + mine.size() + " combinations have no result; log: " + SlurmPlan.logOf(results, k));
                incomplete.add(k);
            }
        }
        if (full == null) return;
        Set<String> expected = new HashSet<>();
        for (Combo c : full) expected.add(c.id());
        Set<String> notRun = new HashSet<>(expected);
        notRun.removeAll(ranBy.keySet());
        Set<String> extra = new HashSet<>(ranBy.keySet());
        extra.removeAll(expected);
        if (!notRun.isEmpty()) problems.add(notRun.size() + " combinations of the grid are in no shard, e.g. " + notRun.iterator().next());
        if (!extra.isEmpty()) problems.add(extra.size() + " combinations ran that are not in the grid, e.g. " + extra.iterator().next());
    }

    /** The unsharded grid of the run a shard belongs to: its profile and filters, as its environment.json recorded them. */
    static List<Combo> fullGrid(Path shardDir) throws IOException {
        JsonNode e = SlurmPlan.JSON.readTree(shardDir.resolve("environment.json").toFile());
        JsonNode f = e.path("filters");
        Filters filters = new Filters(list(f, "backends"), list(f, "strategies"), list(f, f.has("dataSets") ? "dataSets" : "sizes"),
                list(f, "dtypes"), list(f, "threads"), list(f, "benchmarks"));
        return Grid.build(Profile.named(e.path("profile").asText()), filters).combos();
    }

    private static List<String> list(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        if (!n.isArray()) return null;
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** Reproductions: each shard holds a finished folder (preset and timing written) for each of its reproductions, and no other. */
    static void coverReproductions(SlurmPlan plan, Path results, List<String> problems, Set<Integer> incomplete) throws IOException {
        for (int k : plan.allShards()) {
            Path dir = SlurmPlan.shardFolder(results, k);
            List<String> mine = plan.reproductionsOf(k);
            for (String id : mine) {
                if (!Files.isRegularFile(dir.resolve(id).resolve("reproduction.json")) || !Files.isRegularFile(dir.resolve(id).resolve("timing.json"))) {
                    problems.add("shard " + k + ": reproduction " + id + " did not finish; log: " + SlurmPlan.logOf(results, k));
                    incomplete.add(k);
                }
            }
            if (!Files.isDirectory(dir)) continue;
            try (var s = Files.list(dir)) {
                for (Path sub : s.filter(p -> Files.isRegularFile(p.resolve("reproduction.json"))).toList()) {
                    String id = sub.getFileName().toString();
                    if (!mine.contains(id)) problems.add("shard " + k + " ran reproduction " + id + ", which belongs to another shard");
                }
            }
        }
    }

    /** Sweep: every shard ran the same sweep, and its runs.csv holds exactly its runs (index i of the sweep goes to shard i mod n + 1). */
    static void coverSweep(SlurmPlan plan, Path results, List<String> problems, Set<Integer> incomplete) throws IOException {
        SweepConfig first = null;
        Map<String, Integer> ranBy = new HashMap<>();
        for (int k : plan.allShards()) {
            Path dir = SlurmPlan.shardFolder(results, k);
            if (!Files.isRegularFile(dir.resolve("sweep.json")) || !Files.isRegularFile(dir.resolve("runs.csv"))) {
                problems.add("shard " + k + ": no sweep.json or runs.csv in " + dir + "; log: " + SlurmPlan.logOf(results, k));
                incomplete.add(k);
                continue;
            }
            SweepConfig cfg = SweepConfig.read(dir.resolve("sweep.json"));
            if (first == null) first = cfg;
            else if (!cfg.equals(first)) problems.add("shard " + k + " ran another sweep than shard 1 (sweep.json differs)");
            Table runs = Table.read().csv(dir.resolve("runs.csv").toFile());
            for (String id : runs.stringColumn("run_id")) {
                Integer other = ranBy.put(id, k);
                if (other != null) problems.add("run " + id + " ran in shard " + other + " and shard " + k);
            }
        }
        if (first == null) return;
        List<RunSpec> all = first.runs();
        for (int i = 0; i < all.size(); i++) {
            int owner = i % plan.shards() + 1;
            Integer ran = ranBy.remove(all.get(i).id());
            if (ran == null) {
                problems.add("run " + all.get(i).id() + " of shard " + owner + " has no result; log: " + SlurmPlan.logOf(results, owner));
                incomplete.add(owner);
            } else if (ran != owner) {
                problems.add("run " + all.get(i).id() + " belongs to shard " + owner + " but ran in shard " + ran);
            }
        }
        ranBy.keySet().forEach(id -> problems.add("run " + id + " is not in the sweep"));
    }
}
