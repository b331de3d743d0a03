package org.clipbench.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.optim.Optimizers;
import org.clipbench.problems.Problem;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.clipbench.strategy.Strategies;
import org.clipbench.strategy.Strategy;
import org.clipbench.io.AtomicFiles;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Runs a sweep's grid on a pool of threads. Each finished run is written atomically to
 * runs/&lt;id&gt;.json, so an interrupted sweep (even kill -9) keeps every finished run and a rerun on
 * the same folder neither repeats nor loses one. A run depends only on its own seed, so results do not
 * depend on the thread count or the shard. At the end runs.csv (one row per run) and curves.csv (run_id,
 * step, metric, value) are rebuilt from the run files.
 */
public final class SweepRunner {
    private SweepRunner() {
    }

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record Outcome(int ran, int resumed, int diverged, int rows) {
    }

    public static Outcome run(SweepConfig cfg, Path dir, int threads, int shardK, int shardN, boolean progress, PrintStream out)
            throws IOException, InterruptedException {
        try (org.clipbench.io.RunFolder lock = org.clipbench.io.RunFolder.lock(dir)) {
            return runLocked(cfg, dir, threads, shardK, shardN, progress, out);
        }
    }

    private static Outcome runLocked(SweepConfig cfg, Path dir, int threads, int shardK, int shardN, boolean progress, PrintStream out)
            throws IOException, InterruptedException {
        requireSameSweep(cfg, dir);
        Path runsDir = dir.resolve("runs");
        Files.createDirectories(runsDir);
        try (var s = Files.list(runsDir)) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) Files.deleteIfExists(p);
        }
        List<RunSpec> all = cfg.runs();
        requireOnlyRunsOf(all, runsDir);
        AtomicFiles.write(dir.resolve("sweep.json"), JSON.writeValueAsBytes(cfg));
        List<RunSpec> pending = new ArrayList<>();
        int resumed = 0;
        for (int i = 0; i < all.size(); i++) {
            if (i % shardN != shardK - 1) continue;
            Path f = runsDir.resolve(all.get(i).id() + ".json");
            String why = Files.exists(f) ? invalidRun(f) : "missing";
            if (why == null) {
                resumed++;
                continue;
            }
            if (!why.equals("missing")) {
                Path aside = runsDir.resolve("corrupt").resolve(f.getFileName() + "." + System.currentTimeMillis());
                Files.createDirectories(aside.getParent());
                Files.move(f, aside);
                out.printf("%s: %s; moved to %s, training it again%n", dir.relativize(f), why, dir.relativize(aside));
            }
            pending.add(all.get(i));
        }
        int diverged = 0;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try (ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("sweep " + cfg.name()).setInitialMax(pending.size())
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build() : null) {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (RunSpec r : pending) futures.add(pool.submit(() -> runOne(r, runsDir)));
            for (Future<Boolean> f : futures) {
                try {
                    if (f.get()) diverged++;
                } catch (ExecutionException e) {
                    throw asThrown(e.getCause());
                }
                if (bar != null) bar.step();
            }
        } finally {
            pool.shutdownNow();
        }
        int rows = writeTables(dir);
        return new Outcome(pending.size(), resumed, diverged, rows);
    }

    /**
     * A run's failure as the sweep reports it: bad input, an IO problem (a full disk) and a backend the environment cannot
     * run (nd4j without OMP_NUM_THREADS=1) stay what they are, the user's to fix; anything else is a bug of ours.
     */
    private static RuntimeException asThrown(Throwable c) throws IOException {
        if (c instanceof IllegalArgumentException || c instanceof org.clipbench.backend.UnsupportedCombinationException) throw (RuntimeException) c;
        if (c instanceof IOException io) throw io;
        if (c instanceof java.io.UncheckedIOException u) throw u.getCause();
        return new IllegalStateException(c.getMessage(), c);
    }

    /**
     * The backend every run of the sweep trains on, created once before anything is written: nd4j without
     * OMP_NUM_THREADS=1 failed in the first run as a bug (bench said so as bad input).
     */
    public static void requireBackend(SweepConfig cfg) {
        Backends.create(cfg.backendOrDefault(), 1);
    }

    /**
     * Every finished run in the folder belongs to this grid: after sweep.json was edited, a resume would otherwise keep
     * the old grid's runs beside the new one's and mix them in runs.csv.
     */
    private static void requireOnlyRunsOf(List<RunSpec> grid, Path runsDir) throws IOException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (RunSpec r : grid) ids.add(r.id() + ".json");
        List<String> foreign;
        try (var s = Files.list(runsDir)) {
            foreign = s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json") && !ids.contains(n)).sorted().toList();
        }
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException(runsDir + " holds " + foreign.size() + " run(s) of another grid (e.g. " + foreign.get(0)
                    + "): sweep.json was changed after they ran; restore it, or write this sweep to another folder");
        }
    }

    /** A folder that already holds another sweep (other grid or settings) is not written into. */
    private static void requireSameSweep(SweepConfig cfg, Path dir) throws IOException {
        Path f = dir.resolve("sweep.json");
        if (!Files.isRegularFile(f)) return;
        SweepConfig there;
        try {
            there = JSON.readValue(f.toFile(), SweepConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": cannot be read (" + e.getMessage().lines().findFirst().orElse("")
                    + "); this folder's sweep is unknown: write to another folder");
        }
        if (!there.equals(cfg)) {
            throw new IllegalArgumentException(dir + " holds another sweep (" + there.name() + ", a different grid or settings in "
                    + "sweep.json); finish it with sweep --resume " + dir + ", or write this one to another folder");
        }
    }

    /** Why a run file is not a finished run (truncated, empty, not ClipBench's), or null when it is one. */
    static String invalidRun(Path f) {
        try {
            JsonNode d = JSON.readTree(f.toFile());
            if (d == null || !d.path("run").isObject() || !d.path("curve").isArray()) return "not a finished run (no run or curve)";
            return null;
        } catch (IOException e) {
            return "cannot be read (" + e.getMessage().lines().findFirst().orElse("") + ")";
        }
    }

    /** Trains one run and writes its file; returns whether it diverged. */
    static boolean runOne(RunSpec r, Path runsDir) throws IOException {
        SweepConfig c = r.config();
        Problem problem = c.poissonSampling() ? c.problem().build().withPoissonSampling() : c.problem().build();
        Backend b = Backends.create(c.backendOrDefault(), 1);
        Strategy strategy = Strategies.create(r.strategy());
        PrivacyAccounting privacy = c.poissonSampling()
                ? new PrivacyAccounting((double) problem.batchSize() / problem.trainingSetSize(), problem.batchSize(), c.deltaOrDefault()) : null;
        if (privacy != null && strategy instanceof PerExampleClipStrategy dp) privacy.applyTarget(dp, c.stepsOrDefault());
        Trainer.Result res = Trainer.train(problem, b, c.dtypeOrDefault(), strategy,
                Optimizers.create(c.optimizerOrDefault()), r.seed(), c.settings(r.lr()));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("run_id", r.id());
        row.put("sweep", c.name());
        row.put("problem", problem.name());
        row.put("backend", c.backendOrDefault());
        row.put("dtype", c.dtypeOrDefault().label());
        row.put("optimizer", c.optimizerOrDefault());
        row.put("strategy", r.strategy());
        row.put("lr", r.lr());
        row.put("seed", r.seed());
        row.put("steps", c.stepsOrDefault());
        row.put("steps_run", res.steps());
        row.put("diverged", res.diverged());
        row.put("diverged_at", res.divergedAt());
        row.put("steps_to_target", res.stepsToTarget());
        row.put("first_loss", res.firstLoss());
        row.put("final_loss", res.finalLoss());
        row.put("best_loss", res.bestLoss());
        row.put("clip_fraction", res.clipFraction());
        row.put("clip_share", res.clipShare());
        row.put("skipped_steps", res.skippedSteps());
        row.put("loss_spikes", res.lossSpikes());
        row.put("wall_s", res.wallSeconds());
        row.put("lr_schedule", c.settings(r.lr()).schedule().decay() + "+warmup" + c.settings(r.lr()).schedule().warmup());
        if (c.sampling() != null) row.put("dp_sampling", c.sampling());
        if (privacy != null && strategy instanceof PerExampleClipStrategy dp && !Double.isNaN(dp.noiseMultiplier())) {
            // the epsilon of the steps actually taken (a diverged run stopped early), at the sweep's delta
            row.put("dp_sampling_rate", privacy.samplingRate());
            row.put("dp_noise_multiplier", dp.noiseMultiplier());
            row.put("dp_charged_multiplier", privacy.chargedMultiplier(dp));
            row.put("dp_delta", privacy.delta());
            row.put("dp_epsilon", privacy.epsilon(dp, res.steps()));
        }
        // every field of the problem as its own column, so a run's row says everything that defines it
        JsonNode spec = JSON.valueToTree(c.problem());
        spec.fields().forEachRemaining(f -> { if (!f.getValue().isNull()) row.put("problem_" + f.getKey(), f.getValue().asText()); });
        res.finalEval().forEach((k, v) -> row.put("eval_" + k, v));
        List<Object[]> curve = new ArrayList<>();
        for (Trainer.Point p : res.curve()) curve.add(new Object[] {p.step(), p.metric(), p.value()});
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run", row);
        doc.put("curve", curve);
        AtomicFiles.write(runsDir.resolve(r.id() + ".json"), JSON.writeValueAsBytes(doc));
        return res.diverged();
    }

    /**
     * Columns of runs.csv that hold counts and seeds, written as integers: through a double column seeds 2^63-1 and
     * 2^63-2 were both 9.223372036854776E18 (two runs, one printed seed) and steps were 20.0. Readers take either form.
     */
    static final java.util.Set<String> INTEGER_COLUMNS = java.util.Set.of("seed", "steps", "steps_run", "diverged_at", "steps_to_target",
            "skipped_steps", "loss_spikes");

    /** runs.csv and curves.csv from every run file in the folder (Tablesaw). */
    public static int writeTables(Path dir) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var s = Files.list(dir.resolve("runs"))) {
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) docs.add(JSON.readTree(p.toFile()));
        }
        TreeSet<String> evalKeys = new TreeSet<>(), problemKeys = new TreeSet<>(), privacyKeys = new TreeSet<>();
        for (JsonNode d : docs) {
            d.get("run").fieldNames().forEachRemaining(k -> {
                if (k.startsWith("eval_")) evalKeys.add(k);
                if (k.startsWith("problem_")) problemKeys.add(k);
                if (k.startsWith("dp_") && !k.equals("dp_sampling")) privacyKeys.add(k);
            });
        }
        List<String> textCols = new ArrayList<>(List.of("run_id", "sweep", "problem", "backend", "dtype", "optimizer", "lr_schedule",
                "strategy", "diverged"));
        textCols.addAll(problemKeys);
        if (docs.stream().anyMatch(d -> d.get("run").has("dp_sampling"))) textCols.add("dp_sampling"); // only for sweeps that chose a sampling
        List<String> numCols = new ArrayList<>(List.of("lr", "seed", "steps", "steps_run", "diverged_at", "steps_to_target", "first_loss",
                "final_loss", "best_loss", "clip_fraction", "clip_share", "skipped_steps", "loss_spikes", "wall_s"));
        numCols.addAll(privacyKeys);
        numCols.addAll(evalKeys);
        Table runs = Table.create("runs");
        for (String c : textCols) runs.addColumns(StringColumn.create(c));
        for (String c : numCols) runs.addColumns(INTEGER_COLUMNS.contains(c) ? LongColumn.create(c) : DoubleColumn.create(c));
        StringColumn cid = StringColumn.create("run_id");
        LongColumn cstep = LongColumn.create("step");
        StringColumn cmetric = StringColumn.create("metric");
        DoubleColumn cvalue = DoubleColumn.create("value");
        for (JsonNode d : docs) {
            JsonNode row = d.get("run");
            for (String c : textCols) runs.stringColumn(c).append(row.path(c).asText(""));
            for (String c : numCols) {
                JsonNode v = row.path(c);
                if (!INTEGER_COLUMNS.contains(c)) runs.doubleColumn(c).append(v.isNumber() ? v.asDouble() : Double.NaN);
                else if (v.isNumber() && v.canConvertToExactIntegral() && v.canConvertToLong()) runs.longColumn(c).append(v.asLong());
                else runs.longColumn(c).appendMissing();
            }
            for (JsonNode p : d.get("curve")) {
                cid.append(row.get("run_id").asText());
                cstep.append(p.get(0).asLong());
                cmetric.append(p.get(1).asText());
                cvalue.append(p.get(2).isNumber() ? p.get(2).asDouble() : Double.NaN);
            }
        }
        Table curves = Table.create("curves", cid, cstep, cmetric, cvalue);
        AtomicFiles.writeString(dir.resolve("runs.csv"), runs.write().toString("csv"));
        AtomicFiles.writeString(dir.resolve("curves.csv"), curves.write().toString("csv"));
        return runs.rowCount();
    }
}
