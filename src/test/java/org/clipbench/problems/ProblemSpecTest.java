package org.clipbench.problems;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.clipbench.experiments.RunSpec;
import org.clipbench.experiments.SweepConfig;
import org.clipbench.experiments.SweepRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems are one record per type behind {@link ProblemSpec}; what they replaced was one record with the
 * fields of every type. Committed results must stay valid: their sweep.json files read back to the same
 * bytes, and their run ids are recomputed exactly (resume and report depend on both).
 */
class ProblemSpecTest {
    static final Path REFERENCE = Path.of("results", "reference");

    static List<Path> committedSweeps() throws IOException {
        try (Stream<Path> s = Files.walk(REFERENCE)) {
            return s.filter(p -> p.getFileName().toString().equals("sweep.json")).sorted().toList();
        }
    }

    @Test
    void committedSweepFilesWriteTheirProblemBackByteForByte() throws IOException {
        List<Path> sweeps = committedSweeps();
        assertThat(sweeps).hasSizeGreaterThan(20);
        Set<String> types = new TreeSet<>();
        for (Path f : sweeps) {
            SweepConfig c = SweepConfig.read(f);
            types.add(c.problem().type());
            // the problem's part, in the version-1 layout (files older than lossScale lack that field: it reads as null)
            var inFile = SweepRunner.JSON.readTree(f.toFile()).get("problem");
            var laidOut = SweepRunner.JSON.createObjectNode();
            for (String field : ProblemSpec.VERSION_1_FIELDS) laidOut.set(field, inFile.has(field) ? inFile.get(field) : laidOut.nullNode());
            // types added later (workers, quartic, phase-retrieval) write their own fields after the version-1 layout
            List<String> names = new java.util.ArrayList<>();
            inFile.fieldNames().forEachRemaining(names::add);
            List<String> extra = names.stream().filter(n -> !ProblemSpec.VERSION_1_FIELDS.contains(n)).toList();
            if (!extra.isEmpty()) {
                assertThat(names.subList(names.size() - extra.size(), names.size())).as(f + ": fields of a later type come after the version-1 layout")
                        .isEqualTo(extra);
                for (String field : extra) laidOut.set(field, inFile.get(field));
            }
            String written = SweepRunner.JSON.writeValueAsString(laidOut);
            assertThat(SweepRunner.JSON.writeValueAsString(c.problem())).as(f.toString()).isEqualTo(written);
        }
        assertThat(types).as("committed results cover these types").contains("rnn", "mlp", "cliff", "smooth", "quadratic", "mean");
    }

    @Test
    void runIdsOfACommittedRunAreRecomputedExactly() throws IOException {
        Path dir = REFERENCE.resolve("paper/zhang-smoothness/x0=2");
        SweepConfig c = SweepConfig.read(dir.resolve("sweep.json"));
        List<String> committed = Files.readAllLines(dir.resolve("runs.csv")).stream().skip(1).map(l -> l.substring(0, l.indexOf(','))).sorted().toList();
        assertThat(c.runs().stream().map(RunSpec::id).sorted().toList()).isEqualTo(committed);
    }

    @Test
    void everyTypeBuildsAndOnlyItsOwnFieldsAreAccepted(@TempDir Path dir) throws IOException {
        assertThat(ProblemSpec.TYPES.keySet()).containsExactly("rnn", "mlp", "logistic", "softmax", "cliff", "smooth", "quadratic", "mean", "workers", "quartic", "phase-retrieval", "transformer");
        for (String type : ProblemSpec.TYPES.keySet()) {
            String extra = switch (type) {
                case "rnn" -> ", \"task\": \"addition\", \"length\": 10";
                case "mlp", "logistic", "softmax" -> ", \"dataset\": \"breast-cancer\"";
                default -> "";
            };
            SweepConfig c = read(dir, "{\"type\": \"" + type + "\"" + extra + "}");
            assertThat(c.problem()).isInstanceOf(ProblemSpec.TYPES.get(type));
            assertThat(c.problem().build().shape().totalSize()).isPositive();
        }
        assertThatThrownBy(() -> read(dir, "{\"type\": \"smooth\", \"hidden\": 5}"))
                .hasMessageContaining("problem.hidden is not a field of problem type 'smooth': its fields are type, function, x0, lossScale");
        assertThatThrownBy(() -> read(dir, "{\"x0\": 5}")).hasMessageContaining("problem.type is missing: use rnn, mlp");
        assertThatThrownBy(() -> read(dir, "{\"type\": \"gan\"}")).hasMessageContaining("unknown problem.type 'gan'");
        assertThatThrownBy(() -> read(dir, "{\"type\": \"smooth\", \"x0\": \"far\"}")).hasMessageContaining("problem.x0");
        assertThatThrownBy(() -> read(dir, "[1]")).hasMessageContaining("problem must be an object");
        // a type written in capitals is read (as version 1 did), and keeps its spelling in the run id
        assertThat(read(dir, "{\"type\": \"Cliff\", \"w0\": 5}").problem().idText()).startsWith("ProblemSpec[type=Cliff, task=null");
    }

    static SweepConfig read(Path dir, String problem) throws IOException {
        Path f = dir.resolve("s.json");
        Files.writeString(f, "{\"name\": \"t\", \"problem\": " + problem + ", \"backend\": \"arrays\", \"lrs\": [0.1],"
                + " \"strategies\": [\"none\"], \"seeds\": [1], \"steps\": 2}");
        return SweepConfig.read(f);
    }
}
