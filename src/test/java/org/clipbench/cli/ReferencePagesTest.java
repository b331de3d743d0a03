package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.clipbench.backend.Backends;
import org.clipbench.strategy.Strategies;
import org.junit.jupiter.api.Test;

/** docs/strategies.md and docs/backends.md are what the code prints: regenerate with the docs command. */
class ReferencePagesTest {

    @Test
    void committedPagesAreWhatTheCodePrints() throws Exception {
        Map<String, String> pages = ReferencePages.all();
        assertThat(pages).containsOnlyKeys("strategies.md", "backends.md");
        for (var page : pages.entrySet()) {
            Path committed = Path.of("docs", page.getKey());
            assertThat(Files.readString(committed)).as(committed + " drifted from the code: run OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -jar target/benchmarks.jar docs")
                    .isEqualTo(page.getValue());
        }
    }

    /** The hand-written part must describe every registered strategy and backend, not only the generated lists. */
    @Test
    void everyRegisteredStrategyAndBackendHasARowInTheHandWrittenTable() {
        String strategies = ReferencePages.template("strategies.md");
        for (String name : Strategies.names()) assertThat(strategies).as(name).containsPattern("(?m)^\\| `" + name + "[:`]");
        String backends = ReferencePages.template("backends.md");
        for (String name : Backends.names()) assertThat(backends).as(name).contains("| `" + name + "` |");
    }

    @Test
    void thePagesCarryTheCommandsOutput() {
        String strategies = ReferencePages.all().get("strategies.md");
        assertThat(strategies).contains(Strategies.help()).contains("`global-norm:c=1,p=inf`").doesNotContain("{{");
        String backends = ReferencePages.all().get("backends.md");
        assertThat(backends).contains("| ejml | f64 | library | 1.414e+200 ok | 1.414e-200 ok | NaN WRONG | 0.000 WRONG |")
                .contains(BackendsCommand.text().replace(org.clipbench.kernel.VectorKernels.describeSpecies(), "preferred species"))
                .contains("| nd4j | f64 | safe | 1.414e+200 ok").doesNotContain("{{").doesNotContain("-bit (");
    }
}
