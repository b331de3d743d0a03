package org.clipbench.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.clipbench.analysis.JmhResults;
import org.clipbench.compare.Compare;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * A results folder read for the history: a bench run (results.json or jmh/*.json) or a sweep (runs.csv),
 * its environment, and one value per series (a benchmark and its parameters, or a sweep run and a metric).
 * Anything that would put a wrong number into the history is refused here, with the folder's name.
 */
public final class HistoryRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sweep metrics a history follows: all lower is better. */
    static final List<String> SWEEP_METRICS = List.of("final_loss", "eval_error_rate", "wall_s");

    private HistoryRun() {
    }

    /** Who ran it where: what orders a series (commit, then run time) and what splits it (the fingerprint). */
    public record Run(String key, String kind, String folder, String gitSha, boolean dirty, String commitTime, String runTime,
                      String fingerprint, String cpuModel, int cores, String jvm, String jvmFlags) {
    }

    /** One value of one series in one run; higherIsBetter from the JMH mode (throughput) or the metric. */
    public record Measurement(String series, String benchmark, String params, String metric, String unit, boolean higherIsBetter, double value) {
    }

    public record Read(Run run, List<Measurement> measurements) {
    }

    public static Read read(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) throw new IllegalArgumentException(folder + ": no such results folder");
        Path env = folder.resolve("environment.json");
        if (!Files.isRegularFile(env)) {
            throw new IllegalArgumentException(folder + ": no environment.json, so no machine or commit to file it under: add a folder written by bench or sweep");
        }
        JsonNode e;
        try {
            e = JSON.readTree(env.toFile());
        } catch (IOException bad) {
            throw new IllegalArgumentException(folder + ": environment.json is not valid JSON (truncated?); rerun or leave this folder out");
        }
        boolean sweep = Files.isRegularFile(folder.resolve("runs.csv"));
        List<Measurement> ms = sweep ? sweepMeasurements(folder) : benchMeasurements(folder);
        if (ms.isEmpty()) throw new IllegalArgumentException(folder + ": holds no results to add");
        for (Measurement m : ms) {
            if (!Double.isFinite(m.value())) {
                throw new IllegalArgumentException(folder + ": " + m.series() + " has a non-finite value (" + m.value()
                        + "); a broken measurement cannot go into the history: rerun it or leave the folder out");
            }
        }
        return new Read(run(folder, e, sweep ? "sweep" : "bench"), ms);
    }

    private static Run run(Path folder, JsonNode e, String kind) throws IOException {
        String cpu = e.path("cpu").path("model").asText("unknown");
        int cores = e.path("cpu").path("cores_available").asInt(0);
        String jvm = e.path("jvm").path("version").asText("unknown");
        // the command line is recorded as a -D flag; it says how the run was started, not how the JVM behaves
        String flags = String.join(" ", StreamSupport.stream(e.path("jvm").path("flags").spliterator(), false)
                .map(JsonNode::asText).filter(f -> !f.startsWith("-Dclipbench.command=")).toList());
        String fingerprint = cpu + " | " + cores + " cores | JVM " + jvm + (flags.isEmpty() ? "" : " | " + flags);
        String commitTime = e.path("git").path("commit_time").asText(null);
        return new Run(contentKey(folder, kind), kind, folder.toAbsolutePath().normalize().toString(), e.path("git").path("sha").asText("unknown"),
                e.path("git").path("dirty").asBoolean(false), commitTime, e.path("timestamp_utc").asText(null), fingerprint, cpu, cores, jvm, flags);
    }

    /** The run's identity: a hash of its environment and its results, so the same run added twice (from anywhere) is one run. */
    static String contentKey(Path folder, String kind) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(folder.resolve("environment.json")));
            List<Path> files = kind.equals("sweep") ? List.of(folder.resolve("runs.csv")) : JmhResults.filesOf(folder);
            for (Path f : files) sha.update(Files.readAllBytes(f));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Per benchmark and parameters, the median of its iterations (forks and repeated records pooled), in the unit JMH reported. */
    private static List<Measurement> benchMeasurements(Path folder) throws IOException {
        Table t;
        try {
            t = JmhResults.load(List.of(folder));
        } catch (JmhResults.BadInputException bad) {
            throw new IllegalArgumentException(bad.getMessage());
        }
        List<String> params = JmhResults.parameterColumns(t, List.of());
        java.util.Map<String, List<Double>> iterations = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> rowOf = new java.util.HashMap<>();
        for (int r = 0; r < t.rowCount(); r++) {
            String key = JmhResults.key(t, r, params);
            rowOf.putIfAbsent(key, r);
            List<Double> values = iterations.computeIfAbsent(key, k -> new ArrayList<>());
            String raw = t.stringColumn("raw").get(r).trim();
            if (raw.isEmpty()) values.add(t.doubleColumn("score").getDouble(r));
            else for (String v : raw.split("[| ]+")) values.add(Double.parseDouble(v));
        }
        List<Measurement> out = new ArrayList<>();
        for (var e : iterations.entrySet()) {
            String key = e.getKey();
            int r = rowOf.get(key), space = key.indexOf(' ');
            String mode = t.stringColumn("mode").get(r);
            double median = new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            out.add(new Measurement(key, key.substring(0, space < 0 ? key.length() : space), space < 0 ? "" : key.substring(space + 1), mode,
                    t.stringColumn("unit").get(r), Compare.higherIsBetter(mode, key), median));
        }
        return out;
    }

    /** Per sweep run (strategy, learning rate, seed) its final loss, held-out error rate (where evaluated) and wall time. */
    private static List<Measurement> sweepMeasurements(Path folder) throws IOException {
        Table runs;
        try {
            runs = Table.read().csv(CsvReadOptions.builder(folder.resolve("runs.csv").toFile()).missingValueIndicator("").build());
        } catch (RuntimeException bad) {
            throw new IllegalArgumentException(folder + ": runs.csv cannot be read (" + bad.getMessage() + "); rerun the sweep or leave it out");
        }
        for (String c : List.of("sweep", "strategy", "lr", "seed", "diverged")) {
            if (!runs.columnNames().contains(c)) throw new IllegalArgumentException(folder + ": runs.csv lacks the column '" + c + "': not a sweep's runs.csv");
        }
        List<Measurement> out = new ArrayList<>();
        for (int r = 0; r < runs.rowCount(); r++) {
            if (runs.column("diverged").getString(r).equals("true")) continue; // a diverged run has no final value to follow
            String benchmark = "sweep " + runs.column("sweep").getString(r);
            String params = "strategy=" + runs.column("strategy").getString(r) + " lr=" + runs.column("lr").getString(r) + " seed=" + runs.column("seed").getString(r);
            for (String metric : SWEEP_METRICS) {
                if (!runs.columnNames().contains(metric) || runs.column(metric).isMissing(r)) continue;
                if (!(runs.column(metric) instanceof tech.tablesaw.api.NumericColumn<?>)) {
                    throw new IllegalArgumentException(folder + ": runs.csv's column '" + metric + "' is not numeric (row " + (r + 1)
                            + " holds '" + runs.column(metric).getString(r) + "'); rerun the sweep or leave the folder out");
                }
                double v = ((Number) runs.column(metric).get(r)).doubleValue();
                out.add(new Measurement(benchmark + " " + params + " " + metric, benchmark, params, metric, metric.equals("wall_s") ? "s" : "", false, v));
            }
        }
        return out;
    }
}
