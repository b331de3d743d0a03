package org.clipbench.peer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.clipbench.params.ParamShapes;

/**
 * A peer's result file checked as JMH's are before anything of it is stored: a JSON array of JMH-format rows, each
 * an average-time row in ns/op of the case's benchmark and parameters, with iterations that are numbers and a time
 * that could be real: finite, above 0 and at least {@link #MIN_NS_PER_ELEMENT} per element of its data (no memory
 * system moves an element in less). One impossible number refuses the case, so none reaches pytorch-peer.json or
 * results.json (where the report would reject the whole file).
 */
public final class PeerRows {
    private PeerRows() {
    }

    /** Below this a time per element is not physical (100 GB/s of f32 is 0.04 ns per element). */
    public static final double MIN_NS_PER_ELEMENT = 0.01;
    /** A file larger than this is not a peer's few rows. */
    static final long MAX_BYTES = 1 << 20;

    /** As strict as the report's reader: trailing text after the array and a key given twice are refused. */
    static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * The rows of a peer's case file, or why they are refused (IllegalArgumentException, one line). The case's
     * benchmark and parameters must be the rows' own.
     */
    public static ArrayNode read(Path file, String benchmark, Map<String, String> params) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("it wrote no result file");
        if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException("its result file is " + Files.size(file) + " bytes, not a few rows");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("its result is not valid JSON (" + PythonPeers.abbreviate(e.getOriginalMessage()) + ")");
        }
        if (root == null || !root.isArray() || root.isEmpty()) throw new IllegalArgumentException("its result is not a non-empty JSON array of rows");
        for (JsonNode row : root) check(row, benchmark, params);
        return (ArrayNode) root;
    }

    private static void check(JsonNode row, String benchmark, Map<String, String> params) {
        if (!row.isObject()) throw new IllegalArgumentException("a row is not a JSON object");
        String name = row.path("benchmark").isTextual() ? row.get("benchmark").asText() : "";
        if (!name.startsWith("org.clipbench.bench." + benchmark + ".")) {
            throw new IllegalArgumentException("a row is of benchmark '" + PythonPeers.abbreviate(name) + "', the case was " + benchmark);
        }
        if (!"avgt".equals(row.path("mode").asText(null))) throw new IllegalArgumentException("a row is not in average-time mode (avgt)");
        JsonNode p = row.path("params");
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!p.path(e.getKey()).isTextual() || !p.get(e.getKey()).asText().equals(e.getValue())) {
                throw new IllegalArgumentException("a row's parameter " + e.getKey() + " is not the case's " + e.getValue());
            }
        }
        JsonNode pm = row.path("primaryMetric");
        if (!"ns/op".equals(pm.path("scoreUnit").asText(null))) throw new IllegalArgumentException("a row's unit is not ns/op");
        double floor = MIN_NS_PER_ELEMENT * elements(params);
        checkTime(pm.path("score"), "score", floor);
        JsonNode raw = pm.path("rawData");
        if (!raw.isArray() || raw.isEmpty()) throw new IllegalArgumentException("a row has no iterations (rawData)");
        for (JsonNode fork : raw) {
            if (!fork.isArray() || fork.isEmpty()) throw new IllegalArgumentException("a row's iterations are not a list of numbers");
            for (Iterator<JsonNode> it = fork.elements(); it.hasNext(); ) checkTime(it.next(), "iteration", floor);
        }
    }

    private static void checkTime(JsonNode v, String what, double floor) {
        if (!v.isNumber()) throw new IllegalArgumentException("a row's " + what + " is not a number (" + PythonPeers.abbreviate(v.toString()) + ")");
        double t = v.asDouble();
        if (!Double.isFinite(t) || t <= 0) throw new IllegalArgumentException("a row's " + what + " is " + t + " ns/op: a time must be finite and above 0");
        if (t < floor) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a row's %s is %.3g ns/op, below %.2g ns per element of its data "
                    + "(%.3g ns): not physical", what, t, MIN_NS_PER_ELEMENT, floor));
        }
    }

    /** Elements of the case's data set (1 where the case names none, e.g. a training step's model). */
    static double elements(Map<String, String> params) {
        String data = params.get("data");
        if (data == null) return 1;
        try {
            return ParamShapes.get(data).totalSize();
        } catch (IllegalArgumentException e) {
            return 1;
        }
    }
}
