package org.clipbench.reproductions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.experiments.StepCostSpec;
import org.clipbench.experiments.StepCosts;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.experiments.SweepRunner;
import org.clipbench.io.AtomicFiles;

/**
 * Runs reproductions with the sweep runner, one folder per reproduction and one sweep folder inside it
 * per sweep. Finished runs are kept: running again into the same folder resumes. Time spent is summed
 * over sessions in timing.json.
 */
public final class ReproductionRunner {
    private ReproductionRunner() {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void run(List<Reproduction> reps, Path out, int threads, String command, PrintStream log) throws IOException, InterruptedException {
        Files.createDirectories(out);
        for (Reproduction r : reps) {
            Path dir = out.resolve(r.id());
            Files.createDirectories(dir);
            Path file = dir.resolve(ReproductionResults.FILE);
            if (Files.exists(file)) {
                Reproduction before = Reproduction.read(file);
                if (!JSON.valueToTree(before).equals(JSON.valueToTree(r))) {
                    throw new IllegalArgumentException(dir + " holds reproduction " + r.id() + " version " + before.version()
                            + " with another setup than version " + r.version() + " of this build: use a new --out folder");
                }
            } else {
                AtomicFiles.write(file, JSON.writeValueAsBytes(r));
            }
            double seconds = previousSeconds(dir);
            log.printf("%n== %s (%s): %d runs in %d sweeps, %d measurements%n   claim: %s%n", r.id(), r.paper(), r.runCount(), r.sweepsOrEmpty().size(),
                    r.measurementsOrEmpty().size(), r.claim());
            for (SweepConfig s : r.sweepsOrEmpty()) {
                long t0 = System.nanoTime();
                SweepRunner.Outcome o = SweepRunner.run(s, dir.resolve(s.name()), threads, 1, 1, false, log);
                seconds += (System.nanoTime() - t0) / 1e9;
                log.printf("   sweep %s: %d runs trained, %d already done, %d diverged%n", s.name(), o.ran(), o.resumed(), o.diverged());
                writeTiming(dir, seconds, command, threads);
            }
            for (StepCostSpec m : r.measurementsOrEmpty()) {
                long t0 = System.nanoTime();
                boolean before = StepCosts.done(dir.resolve(m.name()));
                StepCosts.run(m, dir.resolve(m.name()), log);
                seconds += (System.nanoTime() - t0) / 1e9;
                log.printf("   measurement %s: %s%n", m.name(), before ? "already done" : m.steps() + " steps measured");
                writeTiming(dir, seconds, command, threads);
            }
            ReproductionResults res = ReproductionResults.load(dir);
            log.printf("   verdict: %s: %s (%.0f s)%n", res.verdict().outcome().label().toUpperCase(java.util.Locale.ROOT), res.verdict().reason(), seconds);
        }
    }

    private static void writeTiming(Path dir, double seconds, String command, int threads) throws IOException {
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("seconds", seconds);
        timing.put("command", command);
        timing.put("threads", threads);
        timing.put("updated_utc", Instant.now().toString());
        AtomicFiles.write(dir.resolve(ReproductionResults.TIMING), JSON.writeValueAsBytes(timing));
    }

    private static double previousSeconds(Path dir) throws IOException {
        Path t = dir.resolve(ReproductionResults.TIMING);
        if (!Files.exists(t)) return 0;
        JsonNode n = JSON.readTree(t.toFile());
        return n.path("seconds").asDouble(0);
    }
}
