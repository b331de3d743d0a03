package org.clipbench.reproductions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.JmhResults.BadInputException;
import org.clipbench.analysis.SweepResults;
import org.clipbench.experiments.StepCostSpec;
import org.clipbench.experiments.StepCosts;
import org.clipbench.experiments.SweepConfig;
import tech.tablesaw.api.Table;

/**
 * One reproduction's folder (reproduction.json, timing.json, one sweep folder per sweep) judged again
 * from its data: the verdict and figures always follow the data and the current check. A sweep that has
 * not finished every run makes the verdict inconclusive, with the count.
 */
public record ReproductionResults(Path dir, Reproduction reproduction, Map<String, SweepResults> sweeps, Map<String, Table> costs, Verdict verdict,
                                  List<String> gatesPassed, String robustness, List<Figure> figures, double seconds, String command) {

    static final String FILE = "reproduction.json", TIMING = "timing.json";

    /** Whether dir is one reproduction's folder. */
    public static boolean isReproduction(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** The reproduction folders in dir (dir itself, or its children), in the presets' order. */
    public static List<Path> find(Path dir) throws IOException {
        if (isReproduction(dir)) return List.of(dir);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = new ArrayList<>(s.filter(ReproductionResults::isReproduction).toList());
            found.sort(java.util.Comparator.comparingInt((Path p) -> {
                int i = Reproduction.PRESETS.indexOf(p.getFileName().toString());
                return i < 0 ? Integer.MAX_VALUE : i;
            }).thenComparing(Path::toString));
            return found;
        }
    }

    public static ReproductionResults load(Path dir) throws IOException {
        Reproduction r = Reproduction.read(dir.resolve(FILE));
        Map<String, SweepResults> sweeps = new LinkedHashMap<>();
        List<String> incomplete = new ArrayList<>();
        for (SweepConfig s : r.sweepsOrEmpty()) {
            Path sd = dir.resolve(s.name());
            if (!SweepResults.isSweep(sd)) {
                incomplete.add(s.name() + ": not run yet");
                continue;
            }
            SweepResults res = SweepResults.load(sd);
            if (res.runs().rowCount() < s.runs().size()) incomplete.add(s.name() + ": " + res.runs().rowCount() + " of " + s.runs().size() + " runs");
            sweeps.put(s.name(), res);
        }
        Map<String, Table> costs = new LinkedHashMap<>();
        for (StepCostSpec m : r.measurementsOrEmpty()) {
            Path md = dir.resolve(m.name());
            if (!StepCosts.done(md)) incomplete.add(m.name() + ": not measured yet");
            else costs.put(m.name(), CostTable.load(md.resolve(StepCosts.FILE)));
        }
        double seconds = Double.NaN;
        String command = "";
        if (Files.isRegularFile(dir.resolve(TIMING))) {
            JsonNode t = new ObjectMapper().readTree(dir.resolve(TIMING).toFile());
            seconds = t.path("seconds").asDouble(Double.NaN);
            command = t.path("command").asText("");
        }
        Check check = Checks.create(r.check(), r.checkParams());
        Verdict v;
        String robustness = "";
        List<String> gates = List.of();
        List<Figure> figures = List.of();
        if (!incomplete.isEmpty()) {
            v = Verdict.inconclusive("incomplete (resume the run to finish it): " + String.join("; ", incomplete), Evidence.rowsPlaceholder());
        } else {
            try {
                Gates.startLog();
                CostGates.startLog();
                v = check instanceof MeasuredCheck m ? m.judgeCosts(costs) : check.judge(sweeps);
                gates = new ArrayList<>(Gates.passedSinceStart());
                gates.addAll(CostGates.passedSinceStart());
                robustness = check instanceof MeasuredCheck m ? robustness(r, m, costs, v) : robustness(r, check, sweeps, v);
                figures = check instanceof MeasuredCheck m ? m.costFigures(costs, r.id()) : check.figures(sweeps, r.id());
            } catch (RuntimeException e) {
                throw new BadInputException(dir, "the check '" + r.check() + "' could not read these results: " + e);
            }
        }
        return new ReproductionResults(dir, r, sweeps, costs, v, gates, robustness, figures, seconds, command);
    }

    /**
     * The claim judged again, by the same check, at each neighbouring setting the preset ran (see
     * {@link Check#neighbours}): "holds at 2 of 2 neighbours (p = 1: reproduced; p = 50: reproduced)".
     */
    static String robustness(Reproduction r, Check check, Map<String, SweepResults> sweeps, Verdict verdict) {
        return robustness(r, check.neighbours(sweeps), params -> Checks.create(r.check(), params).judge(sweeps), verdict);
    }

    /** The same for a check of cost measurements. */
    static String robustness(Reproduction r, MeasuredCheck check, Map<String, Table> costs, Verdict verdict) {
        return robustness(r, check.costNeighbours(costs), params -> ((MeasuredCheck) Checks.create(r.check(), params)).judgeCosts(costs), verdict);
    }

    private static String robustness(Reproduction r, Map<String, Map<String, Object>> neighbours,
                                      java.util.function.Function<com.fasterxml.jackson.databind.JsonNode, Verdict> judgeWith, Verdict verdict) {
        if (neighbours.isEmpty()) return "Not assessed: the preset runs no neighbouring setting of the one tested";
        ObjectMapper json = new ObjectMapper();
        List<String> each = new ArrayList<>();
        int same = 0;
        for (Map.Entry<String, Map<String, Object>> n : neighbours.entrySet()) {
            com.fasterxml.jackson.databind.node.ObjectNode params = r.checkParams() instanceof com.fasterxml.jackson.databind.node.ObjectNode o
                    ? o.deepCopy() : json.createObjectNode();
            n.getValue().forEach((k, value) -> params.set(k, json.valueToTree(value)));
            Verdict at = judgeWith.apply(params);
            if (at.outcome() == verdict.outcome()) same++;
            each.add(n.getKey() + ": " + at.outcome().label());
        }
        return "The verdict is the same at " + same + " of " + neighbours.size() + " neighbouring settings (" + String.join("; ", each) + ")";
    }
}
