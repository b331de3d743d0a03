package org.clipbench.experiments;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.clipbench.cli.MainAccess;
import picocli.CommandLine;

/**
 * Fuzzing sweep files: the shipped presets mutated at random, structurally (a field removed, a value
 * replaced by a number, string, array, object, null or boolean of an odd kind, an unknown field added)
 * or as text (truncated, a character inserted, the document nested up to 100,000 deep). Reading one gives a valid sweep or an
 * IllegalArgumentException with one line; run through the CLI (with 2 steps), exit 0 or exit 2 with one
 * "error:" line, never a stack trace.
 */
class SweepJsonFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory N = JsonNodeFactory.instance;
    static final List<String> PRESETS = List.of("smoke", "digits-quick", "addition-quick");

    @Provide
    Arbitrary<String> mutated() {
        return Arbitraries.of(PRESETS).flatMap(p -> Arbitraries.longs().map(seed -> mutate(p, seed)));
    }

    static String mutate(String preset, long seed) {
        try {
            String text = new String(SweepConfig.class.getResourceAsStream("/sweeps/" + preset + ".json").readAllBytes());
            Random r = new Random(seed);
            int kind = r.nextInt(11);
            if (kind == 0) return text.substring(0, r.nextInt(text.length()));
            if (kind == 10) { // nested up to 100,000 deep (issue 36: such a document was a NullPointerException in compare and report)
                int depth = 1 + r.nextInt(100_000);
                return "[".repeat(depth) + text + "]".repeat(depth);
            }
            if (kind == 1) {
                int i = r.nextInt(text.length());
                return text.substring(0, i) + "{}[],:\"0-eE.x ".charAt(r.nextInt(14)) + text.substring(i);
            }
            JsonNode root = JSON.readTree(text);
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) mutateSomewhere(root, r);
            return JSON.writeValueAsString(root);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Walks to a random container and removes, replaces or adds one member. */
    static void mutateSomewhere(JsonNode node, Random r) {
        JsonNode at = node;
        while (true) {
            List<JsonNode> children = new ArrayList<>();
            at.elements().forEachRemaining(c -> { if (c.isContainerNode()) children.add(c); });
            if (children.isEmpty() || r.nextInt(3) == 0) break;
            at = children.get(r.nextInt(children.size()));
        }
        if (at instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            switch (r.nextInt(3)) {
                case 0 -> o.remove(name);
                case 1 -> o.set(name, oddValue(r));
                default -> o.set("unknownField" + r.nextInt(3), oddValue(r));
            }
        } else if (at instanceof ArrayNode a) {
            if (a.size() > 0 && r.nextBoolean()) a.set(r.nextInt(a.size()), oddValue(r));
            else a.add(oddValue(r));
        }
    }

    static JsonNode oddValue(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> N.numberNode(-1);
            case 1 -> N.numberNode(0);
            case 2 -> N.numberNode(1.5);
            case 3 -> N.numberNode(Double.MAX_VALUE);
            case 4 -> N.textNode("NaN");
            case 5 -> N.textNode("");
            case 6 -> N.textNode("../x");
            case 7 -> N.arrayNode();
            case 8 -> N.objectNode();
            case 9 -> N.nullNode();
            case 10 -> N.booleanNode(true);
            default -> N.numberNode(2);
        };
    }

    @Property(tries = 400)
    void aMutatedSweepFileIsValidOrAOneLineError(@ForAll("mutated") String json) throws Exception {
        Path f = Files.createTempFile("fuzz", ".json");
        try {
            Files.writeString(f, json);
            try {
                SweepConfig cfg = SweepConfig.read(f);
                assertThat(cfg.runs()).isNotEmpty();
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).as(json).isNotBlank().doesNotContain("\n");
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 25)
    void throughTheCliItRunsOrExitsTwoWithOneLine(@ForAll("mutated") String json) throws Exception {
        Path dir = Files.createTempDirectory("fuzz");
        Path f = Files.writeString(dir.resolve("sweep.json"), json);
        StringWriter err = new StringWriter();
        CommandLine cl = MainAccess.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute("sweep", "--config", f.toString(), "--steps", "2", "--threads", "1", "--quiet", "--out",
                dir.resolve("out").toString());
        String e = err.toString().strip();
        assertThat(code).as(e + "\n" + json).isIn(0, 2);
        if (code == 2) assertThat(e).startsWith("error:").doesNotContain("\tat ").hasLineCount(1);
    }
}
