package org.clipbench.reproductions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.experiments.SweepRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every check shown able to fail on real runs (issue 28): each preset is run, scaled down, in a setting of the
 * same problem family where its claim is false (negative-controls/controls.json says which and why), through the
 * sweep runner and the preset's own check and parameters, and the verdict must be "not reproduced". A check that
 * cannot say so on such runs decides nothing. ChecksTest covers the same rules on hand-made numbers.
 *
 * A control changes a preset with: replace (text of the preset's JSON, e.g. one arm for another), sweeps (the ones
 * kept), strategies / lrs / seeds / steps / evalEvery / problem (every sweep) and their *BySweep forms, replaceProblem, and
 * checkParams (merged); reasonContains, when given, is text the verdict's reason must hold (which test refuted the claim).
 */
class NegativeControlsTest {
    static final ObjectMapper JSON = Reproduction.JSON;
    static final Path CONTROLS = Path.of("src/test/resources/negative-controls/controls.json");

    static JsonNode controls() throws Exception {
        return JSON.readTree(CONTROLS.toFile());
    }

    /**
     * The controls that take over 15 s each on 2 cores (the transformer presets, pascanu-rnn, the cost presets, the
     * automatic-clipping diagonal): they run with -Pheavy, so mvn -B verify stays within its 15 minutes.
     */
    static final Set<String> HEAVY = Set.of("zclip-adamw-transformer", "update-clipping-transformer", "adagc-transformer", "pascanu-rnn",
            "ghost-clipping-memory", "dp-automatic-clipping");

    /** Every preset, or those named in -DnegativeControls=id,id (to rerun a few while designing one). */
    static Stream<String> allPresets() {
        String only = System.getProperty("negativeControls", "");
        return Reproduction.PRESETS.stream().filter(id -> only.isBlank() || List.of(only.split(",")).contains(id));
    }

    static Stream<String> presets() {
        return allPresets().filter(id -> !HEAVY.contains(id));
    }

    static Stream<String> heavyPresets() {
        return allPresets().filter(HEAVY::contains);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heavyPresets")
    @org.junit.jupiter.api.Tag("heavy")
    void theCheckSaysNotReproducedWhereTheClaimIsFalseHeavy(String id, @TempDir Path tmp) throws Exception {
        theCheckSaysNotReproducedWhereTheClaimIsFalse(id, tmp);
    }

    @Test
    void theHeavyControlsArePresets() {
        assertThat(Reproduction.PRESETS).containsAll(HEAVY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void theCheckSaysNotReproducedWhereTheClaimIsFalse(String id, @TempDir Path tmp) throws Exception {
        JsonNode control = controls().get(id);
        assertThat(control).as("a negative control for %s in %s", id, CONTROLS).isNotNull();
        Reproduction r = controlled(Reproduction.preset(id), control);
        Path dir = tmp.resolve(id);
        Files.createDirectories(dir);
        Files.write(dir.resolve(ReproductionResults.FILE), JSON.writeValueAsBytes(r));
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        for (SweepConfig s : r.sweepsOrEmpty()) SweepRunner.run(s, dir.resolve(s.name()), 2, 1, 1, false, quiet);
        for (org.clipbench.experiments.StepCostSpec m : r.measurementsOrEmpty()) org.clipbench.experiments.StepCosts.run(m, dir.resolve(m.name()), quiet);
        Verdict v = ReproductionResults.load(dir).verdict();
        assertThat(v.outcome()).as("%s, negative control (%s): %s%n%s", id, control.get("why").asText(), v.reason(), v.numbers().printAll()).isEqualTo(Verdict.Outcome.NOT_REPRODUCED);
        // where the control names the part of the rule that must refute the claim (its test, not a broken arm's side effect)
        if (control.has("reasonContains")) assertThat(v.reason()).as("%s: the part of the rule that refutes it", id).contains(control.get("reasonContains").asText());
    }

    /** Every check of the registry is used by a preset, so the presets' controls cover every check. */
    @Test
    void everyCheckHasANegativeControl() throws Exception {
        Set<String> used = new TreeSet<>();
        for (String id : Reproduction.PRESETS) used.add(Reproduction.preset(id).check());
        assertThat(used).containsExactlyInAnyOrderElementsOf(Checks.names());
        Set<String> controlled = new TreeSet<>();
        controls().fieldNames().forEachRemaining(controlled::add);
        assertThat(controlled).containsExactlyInAnyOrderElementsOf(Reproduction.PRESETS);
    }

    /** The preset changed as the control says. */
    static Reproduction controlled(Reproduction preset, JsonNode c) throws Exception {
        String text = JSON.writeValueAsString(preset);
        for (Iterator<Map.Entry<String, JsonNode>> it = c.path("replace").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(text).as("replace '%s' in %s", e.getKey(), preset.id()).contains(e.getKey());
            text = text.replace(e.getKey(), e.getValue().asText());
        }
        ObjectNode root = (ObjectNode) JSON.readTree(text);
        ArrayNode kept = JSON.createArrayNode();
        Set<String> keep = new TreeSet<>();
        c.path("sweeps").forEach(n -> keep.add(n.asText()));
        for (JsonNode s : root.path("sweeps")) {
            String name = s.get("name").asText();
            if (!keep.isEmpty() && !keep.contains(name)) continue;
            ObjectNode sweep = (ObjectNode) s;
            for (String field : List.of("strategies", "lrs", "seeds", "steps", "evalEvery")) {
                JsonNode v = c.path(field + "BySweep").path(name);
                if (v.isMissingNode()) v = c.path(field);
                if (!v.isMissingNode()) sweep.set(field, v);
            }
            JsonNode problem = c.path("problemBySweep").path(name);
            if (problem.isMissingNode()) problem = c.path("problem");
            if (!problem.isMissingNode()) {
                if (c.path("replaceProblem").asBoolean(false)) sweep.set("problem", problem);
                else ((ObjectNode) sweep.get("problem")).setAll((ObjectNode) problem);
            }
            if (sweep.has("evalEvery") && sweep.has("steps") && sweep.get("evalEvery").asLong() > sweep.get("steps").asLong()) sweep.set("evalEvery", sweep.get("steps"));
            kept.add(sweep);
        }
        root.set("sweeps", kept);
        if (c.has("checkParams")) ((ObjectNode) root.get("checkParams")).setAll((ObjectNode) c.get("checkParams"));
        return JSON.treeToValue(root, Reproduction.class).validated();
    }
}
