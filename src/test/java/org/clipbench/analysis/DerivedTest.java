package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** Issue 29: no derived cell is negative, NaN or beyond its bound without being refused, whatever the times. */
class DerivedTest {
    @Test
    void theReportsImpossibleNumbersAreRefusedWithTheReason() {
        // PyTorch flat-64K 2 threads: net -7,917,329 ns printed "x PyTorch -1215.34"
        Derived x = Derived.ratio(-7_917_329, 10_000, true, 6_514, 50, true);
        assertThat(x.shown()).isFalse();
        assertThat(x.cell("%.2f")).startsWith("— (a time at or below 0");
        // PyTorch AdamW resnet18 2 threads: 22 ms with the clip against 1276 ms without printed -98%
        Derived o = Derived.overheadPercent(22e6, 1e6, true, 1276e6, 50e6, true);
        assertThat(o.shown()).isFalse();
        assertThat(o.refusal()).startsWith("impossible: the step with the clip is faster");
        // nd4j AdamW: 386 +- 1220 ms: an interval with no upper end
        assertThat(Derived.overheadPercent(500e6, 100e6, true, 386e6, 1220e6, true).refusal()).contains("too noisy");
        assertThat(Derived.ratio(100, 1, true, 50, 1, false).refusal()).isEqualTo("not at steady state");
        assertThat(Derived.ratio(100, Double.NaN, true, 50, 1, true).refusal()).startsWith("no error estimate"); // it looked exact
    }

    @Test
    void aGoodRatioCarriesItsInterval() {
        Derived x = Derived.ratio(300, 10, true, 100, 5, true);
        assertThat(x.value()).isEqualTo(3.0);
        assertThat(x.lower()).isEqualTo(290.0 / 105);
        assertThat(x.upper()).isEqualTo(310.0 / 95);
        assertThat(x.cell("%.2f")).isEqualTo("3.00 [2.76, 3.26]");
        // an overhead may be below 0 within noise (shown), not beyond it (refused)
        assertThat(Derived.overheadPercent(99, 3, true, 100, 3, true).shown()).isTrue();
    }

    @Property(tries = 2000)
    void aShownFigureIsPositiveFiniteAndInsideItsInterval(@ForAll @DoubleRange(min = -1e9, max = 1e9) double num, @ForAll @DoubleRange(min = 0, max = 1e9) double numErr,
                                                          @ForAll @DoubleRange(min = -1e9, max = 1e9) double den, @ForAll @DoubleRange(min = 0, max = 1e9) double denErr) {
        Derived x = Derived.ratio(num, numErr, true, den, denErr, true);
        if (x.shown()) {
            assertThat(x.value()).isPositive().isFinite().isBetween(x.lower(), x.upper());
            assertThat(x.upper() / x.lower()).isLessThanOrEqualTo(Derived.MAX_SPAN);
        } else {
            assertThat(x.value()).isNaN();
            assertThat(x.cell("%.2f")).startsWith("— (");
        }
        Derived o = Derived.overheadPercent(num, numErr, true, den, denErr, true);
        if (o.shown()) assertThat(o.upper()).isGreaterThanOrEqualTo(0).isFinite();
    }

    /** A table row read as a Time gives the same figure as its numbers passed one by one; an unsteady row is refused. */
    @Test
    void aTimeReadFromATableRowIsTheSameFigure() {
        tech.tablesaw.api.Table t = tech.tablesaw.api.Table.create("t", tech.tablesaw.api.DoubleColumn.create("ns", 300.0, 100.0),
                tech.tablesaw.api.DoubleColumn.create("err", 9.0, 3.0), tech.tablesaw.api.IntColumn.create("n", 5, 5),
                tech.tablesaw.api.StringColumn.create("steady", "yes", "still rising"));
        Derived.Time a = Derived.Time.of(t, 0, "ns", "err", "n", "steady"), b = Derived.Time.of(t, 1, "ns", "err", "n", "steady");
        assertThat(a.halfWidth95()).isEqualTo(Derived.halfWidth95(9.0, 5));
        assertThat(Derived.ratio(a, new Derived.Time(100, Derived.halfWidth95(3.0, 5), true)))
                .isEqualTo(Derived.ratio(300, Derived.halfWidth95(9.0, 5), true, 100, Derived.halfWidth95(3.0, 5), true));
        assertThat(Derived.ratio(a, b).refusal()).isEqualTo("not at steady state");
        assertThat(org.clipbench.io.Markdown.time(371)).isEqualTo("371 ns");
        assertThat(org.clipbench.io.Markdown.time(9204)).isEqualTo("9.2 µs");
        assertThat(org.clipbench.io.Markdown.time(4.354e6)).isEqualTo("4.35 ms");
    }
}
