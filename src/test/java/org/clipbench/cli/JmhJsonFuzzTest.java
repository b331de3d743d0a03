package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import picocli.CommandLine;

/**
 * Fuzzing JMH result files as compare and report read them (issue 36: NaN scores were reported as blank rows marked
 * steady, 4.9e-324 ns/op as Infinity GB/s, a document nested 100,000 deep was a NullPointerException). A fixture's
 * results.json mutated at random: a score, an iteration, the unit or the mode set to an odd value (NaN and Infinity as
 * JMH writes them, 4.9e-324, negatives, 1e308, text, null), the text truncated, or the document wrapped 100,000 deep.
 * compare and report end with exit 0, 1 or 2, every error line starting "error:", never a bug's exit 3 or a stack trace,
 * and a report that succeeds holds no infinite or non-positive time.
 */
class JmhJsonFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory N = JsonNodeFactory.instance;
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/run-a/results.json");

    @Provide
    Arbitrary<String> mutated() {
        return Arbitraries.longs().map(JmhJsonFuzzTest::mutate);
    }

    static JsonNode oddNumber(Random r) {
        return switch (r.nextInt(11)) {
            case 0 -> N.textNode("NaN");
            case 1 -> N.textNode("Infinity");
            case 2 -> N.textNode("-Infinity");
            case 3 -> N.numberNode(Double.MIN_VALUE);
            case 4 -> N.numberNode(1e-3);
            case 5 -> N.numberNode(-1.0);
            case 6 -> N.numberNode(0.0);
            case 7 -> N.numberNode(Double.MAX_VALUE);
            case 8 -> N.textNode("fast");
            case 9 -> N.nullNode();
            default -> N.numberNode(123.0);
        };
    }

    static String mutate(long seed) {
        try {
            String text = Files.readString(FIXTURE);
            Random r = new Random(seed);
            int kind = r.nextInt(8);
            if (kind == 0) return text.substring(0, r.nextInt(text.length()));
            if (kind == 1) {
                int depth = 1 + r.nextInt(100_000);
                return "[".repeat(depth) + text + "]".repeat(depth);
            }
            ArrayNode root = (ArrayNode) JSON.readTree(text);
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) {
                ObjectNode record = (ObjectNode) root.get(r.nextInt(root.size()));
                ObjectNode pm = (ObjectNode) record.get("primaryMetric");
                switch (r.nextInt(5)) {
                    case 0 -> pm.set("score", oddNumber(r));
                    case 1 -> {
                        ArrayNode fork = (ArrayNode) pm.get("rawData").get(0);
                        fork.set(r.nextInt(fork.size()), oddNumber(r));
                    }
                    case 2 -> { // every iteration and the score at once, as JMH writes a broken benchmark
                        JsonNode v = oddNumber(r);
                        pm.set("score", v);
                        ArrayNode fork = (ArrayNode) pm.get("rawData").get(0);
                        for (int i = 0; i < fork.size(); i++) fork.set(i, v);
                    }
                    case 3 -> pm.put("scoreUnit", List.of("us/op", "ms/op", "s/op", "ops/ns", "", "ns/op").get(r.nextInt(6)));
                    default -> record.put("mode", List.of("avgt", "thrpt", "ss", "").get(r.nextInt(4)));
                }
            }
            return JSON.writeValueAsString(root);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    @Property(tries = 100)
    void compareEndsWithAVerdictOrOneLine(@ForAll("mutated") String json) throws Exception {
        Path f = Files.createTempFile("fuzz", ".json");
        try {
            Files.writeString(f, json);
            StringWriter err = new StringWriter();
            int code = run(err, "compare", FIXTURE.toString(), f.toString());
            String e = err.toString().strip();
            assertThat(code).as(e).isIn(0, 1, 2, 5); // 5: inconclusive (a row the gate could not judge)
            if (code == 2) assertThat(e).startsWith("error:").doesNotContain("internal error").doesNotContain("\tat ").hasLineCount(1);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 12) // a report draws its figures: about 3 s each
    void reportEndsWithATableOrNamesTheInput(@ForAll("mutated") String json) throws Exception {
        Path dir = Files.createTempDirectory("fuzz");
        Path f = Files.writeString(dir.resolve("results.json"), json);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(), sysErr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream oldOut = System.out, oldErr = System.err;
        System.setOut(new java.io.PrintStream(out, true));
        System.setErr(new java.io.PrintStream(sysErr, true));
        StringWriter err = new StringWriter();
        int code;
        try {
            code = run(err, "report", f.toString(), "--out", dir.resolve("report").toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String e = (err + sysErr.toString()).strip();
        assertThat(code).as(e).isIn(0, 1, 2, 5); // 5: inconclusive (a row the gate could not judge)
        assertThat(e).doesNotContain("internal error").doesNotContain("\tat ");
        if (code == 2) assertThat(err.toString().strip()).startsWith("error:").hasLineCount(1);
        try {
            if (code == 0) {
                for (Path csv : Files.list(dir.resolve("report")).filter(p -> p.toString().endsWith(".csv")).toList()) {
                    assertThat(Files.readString(csv)).as(csv + " of\n" + json).doesNotContain("Infinity");
                }
            }
        } finally {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
