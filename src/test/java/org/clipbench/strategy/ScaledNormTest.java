package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Norms held with an exponent: combined and multiplied where a double alone would overflow or underflow. */
class ScaledNormTest {

    static double inUnitsOf(ScaledNorm n, int exponent) {
        return Math.scalb(n.value(), n.exponent() - exponent);
    }

    @Test
    void aProductBeyondADoubleKeepsItsValue() {
        ScaledNorm p = ScaledNorm.product(3e200, 4e200);
        assertThat(p.toDouble()).isInfinite();
        // 1.2e401 = 12 x 1e200 x 1e200: in units of 2^1330
        double want = 12 * (1e200 / Math.pow(2, 665)) * (1e200 / Math.pow(2, 665));
        assertThat(inUnitsOf(p, 1330)).isCloseTo(want, within(1e-12 * want));
        assertThat(ScaledNorm.product(3, 4)).isEqualTo(ScaledNorm.of(12));
        assertThat(ScaledNorm.product(0, 4).toDouble()).isZero();
        assertThat(ScaledNorm.product(Double.NaN, 4).toDouble()).isNaN();
        assertThat(ScaledNorm.product(1e-200, 1e-200).toDouble()).isZero(); // below a double, held with its exponent
        assertThat(ScaledNorm.product(1e-200, 1e-200).exponent()).isLessThan(-1300);
    }

    @Test
    void partsCombineAcrossExponents() {
        ScaledNorm big = ScaledNorm.product(3e200, 4e200), small = ScaledNorm.of(1e10);
        ScaledNorm c = ScaledNorm.combine(big, small);
        assertThat(c.exponent()).isEqualTo(big.exponent() + Math.getExponent(big.value()));
        assertThat(Math.scalb(c.value(), c.exponent() - big.exponent())).isCloseTo(big.value(), within(1e-15 * big.value()));
        assertThat(ScaledNorm.combine(ScaledNorm.of(3), ScaledNorm.of(4))).isEqualTo(ScaledNorm.of(5));
        assertThat(ScaledNorm.combine(ScaledNorm.of(0), ScaledNorm.of(0)).toDouble()).isZero();
        assertThat(ScaledNorm.combine(ScaledNorm.of(3), ScaledNorm.of(Double.NaN)).toDouble()).isNaN();
        assertThat(ScaledNorm.combine(ScaledNorm.of(3), ScaledNorm.of(Double.POSITIVE_INFINITY)).toDouble()).isInfinite();
        // two norms of 1e300 make 1.41e300: back to a plain double
        assertThat(ScaledNorm.combine(ScaledNorm.of(1e300), ScaledNorm.of(1e300))).isEqualTo(ScaledNorm.of(Math.sqrt(2) * 1e300));
    }

    /** A rule's factor from a norm held with an exponent is the factor of the norm it stands for. */
    @Test
    void theFactorOfAnOverflowedNormIsExact() {
        DpSgdClip flat = (DpSgdClip) Strategies.perExample("dp-flat:C=1,sigma=0");
        ScaledNorm huge = ScaledNorm.product(1e155, 1e155); // 1e310: beyond the largest double
        DpSgdClip.ExampleFactors f = flat.factorsFromNorms(java.util.List.of(new ScaledNorm[] {huge}, new ScaledNorm[] {ScaledNorm.of(0.5)}));
        // 1e-310 is subnormal (45 of its 53 bits kept)
        assertThat(f.layerFactors()[0][0] * 1e155 * 1e155).as("1 / 1e310").isCloseTo(1, within(1e-12));
        assertThat(f.layerFactors()[1][0]).isEqualTo(1.0);
        assertThat(f.clipped()).isEqualTo(1);
        assertThat(f.maxNorm()).isInfinite();
    }
}
