package org.clipbench.analysis;

import org.clipbench.measurement.SteadyState;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.bench.Benchmarks;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Loads JMH JSON result files (a results folder's results.json, or any -rf json output) into one
 * Tablesaw table: benchmark (class), method, mode, unit, score, error, samples, the raw iteration
 * scores (space-separated within a fork, forks separated by '|'), median (of all iteration scores), alloc_b_op (bytes allocated per op, from -prof gc; NaN without it),
 * working_set_bytes (the bytes of the tensors a step holds, PerExampleClipBenchmark's secondary metric; NaN for the others), source, and one string column per JMH parameter ("" where absent).
 */
public final class JmhResults {
    private JmhResults() {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The columns every loaded table has; every other column is a JMH parameter. */
    /**
     * JMH's own score error, for rows that come without one (the PyTorch peer): the half-width of the
     * 99.9% Student-t interval of the mean over all iterations, as JMH computes it. NaN below two iterations.
     */
    static double scoreError(double[] iterations) {
        if (iterations.length < 2) return Double.NaN;
        double sd = new org.apache.commons.math3.stat.descriptive.moment.StandardDeviation().evaluate(iterations);
        double t = new org.apache.commons.math3.distribution.TDistribution(iterations.length - 1).inverseCumulativeProbability(1 - 0.001 / 2);
        return t * sd / Math.sqrt(iterations.length);
    }

    public static final List<String> FIXED_COLUMNS = List.of("benchmark", "method", "mode", "unit", "score", "error", "median", "samples",
            "raw", "alloc_b_op", "working_set_bytes", "compile_ms", "source", "steady", "fork_cv", "iter_cv");

    /**
     * A peer's row names its library's version (parameter "version", e.g. torch's 2.13.0): its backend column says both,
     * "pytorch 2.13.0", so every table and figure shows which version was measured and two versions never merge.
     */
    public static String backendLabel(String backend, String version) {
        return version == null || version.isEmpty() || backend.isEmpty() ? backend : backend + " " + version;
    }

    /** Whether a backend column value is a peer's (pytorch or jax, with or without a version). */
    public static boolean isPeer(String backend, String peer) {
        return backend.equals(peer) || backend.startsWith(peer + " ");
    }

    /** The parameter columns of a loaded table, sorted by name, without the ignored ones. */
    public static List<String> parameterColumns(Table t, List<String> ignored) {
        List<String> params = new ArrayList<>();
        for (String c : t.columnNames()) {
            if (!FIXED_COLUMNS.contains(c) && !ignored.contains(c)) params.add(c);
        }
        params.sort(String::compareTo);
        return params;
    }

    /** A row's benchmark key: Class.method and every non-empty parameter as name=value, in the given order. */
    public static String key(Table t, int row, List<String> params) {
        StringBuilder key = new StringBuilder(t.stringColumn("benchmark").get(row)).append('.').append(t.stringColumn("method").get(row));
        for (String p : params) {
            String v = t.stringColumn(p).get(row);
            if (!v.isEmpty()) key.append(' ').append(p).append('=').append(v);
        }
        return key.toString();
    }

    /** A file or results folder that cannot be read, with the reason. */
    public static final class BadInputException extends RuntimeException {
        public BadInputException(Path file, String why) {
            super(file + ": " + why);
        }
    }

    /** A results folder resolves to its results.json (merged), else its jmh/*.json. */
    public static List<Path> filesOf(Path input) throws IOException {
        if (!Files.exists(input)) throw new BadInputException(input, "no such file or folder");
        if (Files.isRegularFile(input)) return List.of(input);
        Path merged = input.resolve("results.json");
        if (Files.isRegularFile(merged)) return List.of(merged);
        Path jmh = input.resolve("jmh");
        if (Files.isDirectory(jmh)) {
            try (var s = Files.list(jmh)) {
                List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
                if (!files.isEmpty()) return files;
            }
        }
        throw new BadInputException(input, "holds neither results.json nor jmh/*.json: not a ClipBench results folder");
    }

    /** One row per JMH record of the inputs, with its parameters as columns (empty where a record lacks one). */
    public static Table load(List<Path> inputs) throws IOException {
        List<Sourced> records = readRecords(inputs);
        Set<String> paramNames = new LinkedHashSet<>();
        for (Sourced r : records) {
            if (r.record().has("params")) r.record().get("params").fieldNames().forEachRemaining(paramNames::add);
        }
        Rows rows = new Rows(paramNames);
        for (Sourced r : records) rows.add(r.record(), r.source());
        return rows.table();
    }

    /** The record with its parameters named as this version names them ({@link Benchmarks#withCurrentNames}). */
    private static JsonNode withCurrentParamNames(JsonNode record) {
        if (!record.path("params").isObject()) return record;
        Map<String, String> params = new LinkedHashMap<>();
        record.get("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        Map<String, String> current = Benchmarks.withCurrentNames(params);
        if (current == params) return record;
        com.fasterxml.jackson.databind.node.ObjectNode copy = record.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode named = copy.putObject("params");
        current.forEach(named::put);
        return copy;
    }

    /** Nanoseconds per unit of a JMH average-time score unit; every table, ratio and GB/s here is derived from ns/op. */
    private static final Map<String, Double> NANOS = Map.of("ns/op", 1.0, "us/op", 1e3, "\u00b5s/op", 1e3, "ms/op", 1e6, "s/op", 1e9);

    /**
     * The shortest time per call read as a result: 0.01 ns, a twentieth of one clock cycle at 5 GHz. Every benchmark
     * here makes at least one method call and hands its result to JMH's blackhole per operation, which takes cycles, not
     * a fraction of one; JMH's own empty benchmark measures about 0.3 ns. A score of 4.9e-324 ns/op was reported as a
     * bandwidth of Infinity GB/s.
     */
    public static final double MIN_NS_PER_CALL = 0.01;

    /**
     * A record checked and, for average time, with its score, error and iterations in ns/op: a score and iterations
     * that are numbers (JMH writes a broken measurement as "NaN": the report drew blank rows marked steady), and for
     * average time a known time unit and no iteration below {@link #MIN_NS_PER_CALL} (at or below 0 a time cannot be).
     * JMH's -tu us wrote us/op that were read as ns/op (GB/s 1000 times too high). Records of other modes are returned
     * as they are.
     */
    static JsonNode inNanoseconds(JsonNode record, Path f) {
        String name = record.get("benchmark").asText();
        String mode = record.path("mode").asText("");
        JsonNode pm = record.get("primaryMetric");
        requireFinite(pm, name, f);
        if (!mode.equals("avgt")) return record; // compare and history read other modes as they are; the report refuses them
        String unit = pm.path("scoreUnit").asText("");
        Double factor = NANOS.get(unit);
        if (factor == null) throw new BadInputException(f, name + " has the score unit '" + unit + "'; expected a time per call (ns/op, us/op, ms/op or s/op)");
        for (JsonNode fork : pm.path("rawData")) {
            for (JsonNode v : fork) requireATime(v.asDouble(), "an iteration", unit, factor, name, f);
        }
        if (pm.path("score").isNumber()) requireATime(pm.get("score").asDouble(), "a score", unit, factor, name, f);
        if (factor == 1.0) return record;
        com.fasterxml.jackson.databind.node.ObjectNode copy = record.deepCopy();
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode) copy.get("primaryMetric");
        for (String k : List.of("score", "scoreError")) if (m.path(k).isNumber()) m.put(k, m.get(k).asDouble() * factor);
        if (m.path("scoreConfidence").isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode c = m.putArray("scoreConfidence");
            for (JsonNode v : pm.get("scoreConfidence")) c.add(v.asDouble() * factor);
        }
        com.fasterxml.jackson.databind.node.ArrayNode forks = m.putArray("rawData");
        for (JsonNode fork : pm.path("rawData")) {
            com.fasterxml.jackson.databind.node.ArrayNode out = forks.addArray();
            for (JsonNode v : fork) {
                if (v.isNumber()) out.add(v.asDouble() * factor);
                else out.add(v);
            }
        }
        m.put("scoreUnit", "ns/op");
        return copy;
    }

    /** A score and iterations that are finite numbers; JMH writes NaN and Infinity as text, which Jackson reads as text. */
    private static void requireFinite(JsonNode pm, String name, Path f) {
        List<JsonNode> values = new ArrayList<>();
        if (pm.has("score")) values.add(pm.get("score"));
        for (JsonNode fork : pm.path("rawData")) fork.forEach(values::add);
        for (JsonNode v : values) {
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new BadInputException(f, name + " has a non-finite score (" + v.asText() + ") in its iterations or score; "
                        + "a broken measurement is not a result: rerun that benchmark");
            }
        }
    }

    /** Refuses a time per call at or below 0, or below the shortest a call can take. */
    private static void requireATime(double value, String what, String unit, double nanosPerUnit, String name, Path f) {
        if (!(value > 0)) {
            throw new BadInputException(f, name + " has " + what + " of " + value + " " + unit + "; a time per call must be above 0: rerun it");
        }
        if (value * nanosPerUnit < MIN_NS_PER_CALL) {
            throw new BadInputException(f, name + " has " + what + " of " + value + " " + unit + ", below " + MIN_NS_PER_CALL
                    + " ns (a twentieth of a clock cycle at 5 GHz): no call is that fast, so it is not a measurement; rerun it");
        }
    }

    /** A JMH record and the name of the input it came from. */
    private record Sourced(JsonNode record, String source) {
    }

    /** Every record of every input, each file checked to be JMH JSON ('-rf json' output). */
    private static List<Sourced> readRecords(List<Path> inputs) throws IOException {
        List<Sourced> records = new ArrayList<>();
        for (Path in : inputs) {
            for (Path f : filesOf(in)) {
                JsonNode root;
                try {
                    root = JSON.readTree(f.toFile());
                } catch (JsonProcessingException e) {
                    throw new BadInputException(f, "not valid JSON (truncated or corrupt?): " + org.clipbench.io.StrictJson.problem(e));
                }
                if (root == null || !root.isArray()) {
                    throw new BadInputException(f, "expected a JMH result array ('-rf json' output)");
                }
                for (JsonNode r : root) {
                    if (!r.hasNonNull("benchmark") || !r.hasNonNull("primaryMetric")) {
                        throw new BadInputException(f, "a record lacks 'benchmark' or 'primaryMetric': not JMH JSON");
                    }
                    records.add(new Sourced(inNanoseconds(withCurrentParamNames(r), f), in.getFileName().toString()));
                }
            }
        }
        return records;
    }

    /** The table's columns, filled a record at a time. */
    private static final class Rows {
        final StringColumn benchmark = StringColumn.create("benchmark"), method = StringColumn.create("method"),
                mode = StringColumn.create("mode"), unit = StringColumn.create("unit"), raw = StringColumn.create("raw"),
                source = StringColumn.create("source"), steady = StringColumn.create("steady");
        final DoubleColumn score = DoubleColumn.create("score"), error = DoubleColumn.create("error"), median = DoubleColumn.create("median"),
                alloc = DoubleColumn.create("alloc_b_op"), workingSet = DoubleColumn.create("working_set_bytes"), compile = DoubleColumn.create("compile_ms"), forkCv = DoubleColumn.create("fork_cv"), iterCv = DoubleColumn.create("iter_cv");
        final IntColumn samples = IntColumn.create("samples");
        final List<StringColumn> params = new ArrayList<>();

        Rows(Set<String> paramNames) {
            for (String p : paramNames) params.add(StringColumn.create(p));
        }

        void add(JsonNode r, String from) {
            String full = r.get("benchmark").asText();
            int dot = full.lastIndexOf('.');
            String cls = full.substring(0, dot);
            benchmark.append(cls.substring(cls.lastIndexOf('.') + 1));
            method.append(full.substring(dot + 1));
            mode.append(r.path("mode").asText(""));
            JsonNode pm = r.get("primaryMetric");
            unit.append(pm.path("scoreUnit").asText(""));
            score.append(pm.path("score").asDouble(Double.NaN));
            addIterations(pm);
            JsonNode gc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
            alloc.append(gc.path("score").isNumber() ? gc.get("score").asDouble() : Double.NaN);
            workingSet.append(perIteration(r.path("secondaryMetrics").path("workingSetBytes")));
            JsonNode jit = r.path("secondaryMetrics").path("jit.compile"); // a JAX peer's compile time, in ms, apart from the call's time
            compile.append(jit.path("score").isNumber() ? jit.get("score").asDouble() : Double.NaN);
            source.append(from);
            String version = r.path("params").path("version").asText("");
            for (StringColumn p : params) {
                String v = r.path("params").path(p.name()).asText("");
                p.append(p.name().equals("backend") ? backendLabel(v, version) : v);
            }
        }

        /**
         * A value a benchmark sets each call and JMH reports as an event count (PerExampleClipBenchmark's workingSetBytes): the
         * score is its sum over the iterations, so the median of the iterations' values is the value; NaN when absent.
         */
        private static double perIteration(JsonNode metric) {
            List<Double> values = new ArrayList<>();
            metric.path("rawData").forEach(fork -> fork.forEach(v -> values.add(v.asDouble())));
            if (values.isEmpty()) return Double.NaN;
            return new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(values.stream().mapToDouble(Double::doubleValue).toArray());
        }

        /** The iterations of every fork: their count, the score's error, the median, the raw text and the steady-state judgement. */
        private void addIterations(JsonNode pm) {
            List<String> forkTexts = new ArrayList<>();
            List<double[]> forkValues = new ArrayList<>();
            List<Double> all = new ArrayList<>();
            for (Iterator<JsonNode> forks = pm.path("rawData").elements(); forks.hasNext(); ) {
                List<String> it = new ArrayList<>();
                forks.next().forEach(v -> {
                    it.add(v.asText());
                    all.add(v.asDouble());
                });
                if (!it.isEmpty()) {
                    forkTexts.add(String.join(" ", it));
                    forkValues.add(it.stream().mapToDouble(Double::parseDouble).toArray());
                }
            }
            double[] values = all.stream().mapToDouble(Double::doubleValue).toArray();
            samples.append(values.length);
            error.append(pm.path("scoreError").isNumber() ? pm.get("scoreError").asDouble() : scoreError(values));
            median.append(values.length == 0 ? Double.NaN : new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(values));
            raw.append(String.join("|", forkTexts));
            SteadyState.Judgement j = SteadyState.judge(forkValues);
            steady.append(j.label());
            forkCv.append(j.betweenForkCv());
            iterCv.append(j.withinForkCv());
        }

        Table table() {
            Table t = Table.create("jmh", benchmark, method, mode, unit, score, error, median, samples, raw, alloc, workingSet, compile, source, steady, forkCv, iterCv);
            params.forEach(t::addColumns);
            return t;
        }
    }
}
