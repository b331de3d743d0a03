package org.clipbench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed reports are what the code writes today for their committed inputs: summary.md (but
 * its "From" line), every CSV table and reproductions.md, byte for byte, and the same figure files. A
 * refactoring that changes a number fails here; a deliberate change regenerates the reference reports
 * ({@code ./run-bench.sh --report-only results/reference/NAME}, see docs/results.md).
 */
class ReferenceReportsTest {

    static List<Path> referenceReports() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("results", "reference"), 3)) {
            return s.filter(p -> p.getFileName().toString().equals("summary.md") && p.getParent().getFileName().toString().equals("report"))
                    .map(Path::getParent).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("referenceReports")
    void aReferenceReportIsWhatTheCodeWritesForItsInputs(Path committed, @TempDir Path fresh) throws IOException {
        List<String> summary = Files.readAllLines(committed.resolve("summary.md"));
        String from = summary.get(2);
        assertThat(from).startsWith("From: [");
        List<Path> inputs = Arrays.stream(from.substring(7, from.length() - 1).split(", ")).map(Path::of).toList();
        Path copy = fresh.resolve("report");
        Report.Outcome outcome = Report.build(inputs, copy);
        assertThat(outcome.problems()).isEmpty();

        List<String> again = Files.readAllLines(copy.resolve("summary.md"));
        assertThat(again.subList(3, again.size())).as(committed + "/summary.md").isEqualTo(summary.subList(3, summary.size()));
        for (String name : files(committed, ".csv", ".md")) {
            if (name.equals("summary.md")) continue;
            assertThat(Files.readString(copy.resolve(name))).as(committed.resolve(name).toString()).isEqualTo(Files.readString(committed.resolve(name)));
        }
        assertThat(files(copy, ".csv", ".md", ".png")).as("files of " + committed).isEqualTo(files(committed, ".csv", ".md", ".png"));
    }

    static List<String> files(Path dir, String... endings) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (Arrays.stream(endings).anyMatch(n::endsWith)) out.add(n);
            }
        }
        return out;
    }
}
