package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * Issue 29: a report of results measured with JMH's -tu us put microseconds in the ns/op column (every GB/s a
 * thousand times too high); a zero or negative time and throughput results were read as times. The loader converts
 * every time unit to ns/op and refuses what is not a time per call.
 */
class JmhUnitsTest {
    static final Path FIXTURE = Path.of("src/test/resources/fixtures/run-a/results.json");

    @Test
    void microsecondsBecomeNanosecondsEverywhere(@TempDir Path t) throws Exception {
        Table ns = JmhResults.load(List.of(FIXTURE));
        // the same measurements written in us/op: every number a thousandth
        String json = Files.readString(FIXTURE).replace("\"ns/op\"", "\"us/op\"");
        json = java.util.regex.Pattern.compile("(?<=[\\[\\s:,])(\\d+\\.\\d+)(?=[\\s,\\]])").matcher(json)
                .replaceAll(m -> Double.toString(Double.parseDouble(m.group(1)) / 1000));
        Path us = Files.writeString(t.resolve("us.json"), json);
        Table converted = JmhResults.load(List.of(us));
        assertThat(converted.stringColumn("unit").unique().asList()).containsExactly("ns/op");
        for (int r = 0; r < ns.rowCount(); r++) {
            assertThat(converted.doubleColumn("score").getDouble(r)).isCloseTo(ns.doubleColumn("score").getDouble(r), org.assertj.core.api.Assertions.within(1e-9));
            assertThat(converted.doubleColumn("median").getDouble(r)).isCloseTo(ns.doubleColumn("median").getDouble(r), org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    @Test
    void aTimeThatCannotBeIsRefusedNamingTheBenchmark(@TempDir Path t) throws Exception {
        String json = Files.readString(FIXTURE);
        Path zero = Files.writeString(t.resolve("zero.json"), json.replaceFirst("\"score\": 1000\\.0", "\"score\": 0.0"));
        assertThatThrownBy(() -> JmhResults.load(List.of(zero))).isInstanceOf(JmhResults.BadInputException.class)
                .hasMessageContaining("BandwidthBenchmark.copy").hasMessageContaining("a score of 0.0 ns/op");
        Path thrpt = Files.writeString(t.resolve("thrpt.json"), json.replace("\"avgt\"", "\"thrpt\"").replace("\"ns/op\"", "\"ops/ns\""));
        Table throughput = JmhResults.load(List.of(thrpt)); // compare and history read it as it is (higher is better)
        assertThat(throughput.doubleColumn("score").getDouble(0)).isEqualTo(1000.0);
        assertThatThrownBy(() -> KernelSummary.build(throughput)).hasMessageContaining("mode 'thrpt'").hasMessageContaining("rerun without -bm");
        Path ops = Files.writeString(t.resolve("ops.json"), json.replace("\"ns/op\"", "\"ops/s\""));
        assertThatThrownBy(() -> JmhResults.load(List.of(ops))).hasMessageContaining("score unit 'ops/s'");
        Path dup = Files.writeString(t.resolve("dup.json"), json.replaceFirst("\"mode\": \"avgt\",", "\"mode\": \"avgt\", \"mode\": \"avgt\","));
        assertThatThrownBy(() -> JmhResults.load(List.of(dup))).hasMessageContaining("Duplicate field 'mode'");
    }
}
