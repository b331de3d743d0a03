package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import tech.tablesaw.api.Table;

/**
 * Issue 29's invariant over the kernel tables and the headline: whatever positive times JMH reports (a restore
 * slower than its clip, a read primitive slower than the kernel, errors larger than the score), no cell is
 * negative, NaN or infinite, or beyond its physical bound (a kernel faster than the memory limit of its passes),
 * unless its row carries a flag or its cell says "—" and why.
 */
class ReportCellsPropertyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> POSITIVE = List.of("ns_op", "eff_gbps", "achievable_ns", "gbps", "x_arrays", "x_baseline", "x_lower", "x_upper");

    /** The fixture run with every score drawn at random over three decades, its errors from 0 to twice the score. */
    static Path randomRun(long seed) throws Exception {
        Random rnd = new Random(seed);
        ArrayNode results = (ArrayNode) JSON.readTree(Path.of("src/test/resources/fixtures/bench-peer/results.json").toFile());
        for (JsonNode r : results) {
            ObjectNode m = (ObjectNode) r.get("primaryMetric");
            double score = Math.pow(10, 1 + 3 * rnd.nextDouble()) * (r.get("params").toString().contains("16M") ? 1e4 : 1);
            m.put("score", score);
            m.put("scoreError", 2 * score * rnd.nextDouble());
            ArrayNode raw = JSON.createArrayNode().add(JSON.createArrayNode().add(score * 0.9).add(score).add(score * 1.1));
            m.set("rawData", raw);
        }
        Path dir = Files.createTempDirectory("cells");
        JSON.writeValue(dir.resolve("results.json").toFile(), results);
        Files.copy(Path.of("src/test/resources/fixtures/bench-peer/environment.json"), dir.resolve("environment.json"));
        return dir;
    }

    @Property(tries = 60)
    void noKernelCellIsImpossibleWithoutAFlag(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) throws Exception {
        KernelSummary.Tables t = KernelSummary.build(JmhResults.load(List.of(randomRun(seed))));
        for (Table table : List.of(t.bandwidth(), t.norms(), t.clipping(), t.normOverhead())) {
            for (int r = 0; r < table.rowCount(); r++) {
                boolean flagged = table.columnNames().contains("flag") && !table.stringColumn("flag").get(r).isEmpty();
                for (String c : POSITIVE) {
                    if (!table.columnNames().contains(c) || flagged) continue;
                    double v = table.doubleColumn(c).getDouble(r);
                    assertThat(Double.isNaN(v) || v > 0 && Double.isFinite(v)).as(table.name() + " row " + r + " " + c + " = " + v).isTrue();
                }
                if (table.columnNames().contains("pct_achievable") && !flagged) {
                    double pct = table.doubleColumn("pct_achievable").getDouble(r);
                    assertThat(Double.isNaN(pct) || pct > 0 && pct <= KernelSummary.LIMIT_PCT).as(table.name() + " row " + r + " pct " + pct).isTrue();
                }
                if (table.columnNames().contains("net_ns") && !flagged) {
                    assertThat(table.doubleColumn("net_ns").getDouble(r)).as("net time of an unflagged row").isPositive();
                }
            }
        }
        // the headline's speed-ups: a positive number inside its interval, or "—" and why
        for (String line : KernelSummary.headline(t, "test").lines().filter(l -> l.startsWith("| flat")).toList()) {
            String cell = line.substring(line.lastIndexOf("| ", line.length() - 3) + 2, line.length() - 2).strip();
            if (cell.startsWith("— (")) continue;
            String[] n = cell.replace("[", "").replace("]", "").replace(",", "").split("\\s+");
            double value = Double.parseDouble(n[0]), lo = Double.parseDouble(n[1]), hi = Double.parseDouble(n[2]);
            assertThat(value).as(line).isPositive().isBetween(lo, hi);
            assertThat(hi / lo).as(line).isLessThanOrEqualTo(Derived.MAX_SPAN + 1e-9);
        }
    }
}
