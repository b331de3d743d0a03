package org.clipbench.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The accuracy table's reference is exact: its sum of squares equals BigDecimal's, digit for digit, over every double exponent. */
class ExactSumOfSquaresTest {

    /** Doubles with exponents from the subnormals to 1e308, both signs, zeros and the extremes. */
    static double[] everyMagnitude(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 7) {
                case 0 -> Double.MIN_VALUE * (1 + rng.nextInt(1 << 20)); // subnormals
                case 1 -> Double.MAX_VALUE * rng.nextDouble();
                case 2 -> 0.0;
                case 3 -> -Double.MIN_NORMAL * rng.nextDouble();
                default -> Math.scalb(rng.nextDouble() + 1, rng.nextInt(2046) - 1022) * (rng.nextBoolean() ? 1 : -1);
            };
        }
        return x;
    }

    static BigDecimal bigSum(double[] x) {
        BigDecimal s = BigDecimal.ZERO;
        for (double v : x) s = s.add(new BigDecimal(v).pow(2));
        return s;
    }

    @Test
    void theSumOfSquaresIsExactlyBigDecimalsOverEveryExponent() {
        for (long seed = 1; seed <= 5; seed++) {
            double[] x = everyMagnitude(seed, 3000);
            ExactSumOfSquares s = new ExactSumOfSquares();
            s.addAll(x, 0, x.length);
            assertThat(s.sum().compareTo(bigSum(x))).as("seed %d", seed).isZero();
            assertThat(s.count()).isEqualTo(x.length);
        }
    }

    @Test
    void carriesLosingNothingWhenPropagatedEveryFewAdditions() {
        double[] x = everyMagnitude(9, 5000);
        ExactSumOfSquares often = new ExactSumOfSquares(3), rarely = new ExactSumOfSquares();
        for (double v : x) {
            often.add(v);
            rarely.add(v);
        }
        assertThat(often.sum().compareTo(rarely.sum())).isZero();
        assertThat(often.sum().compareTo(bigSum(x))).isZero();
        // a limb full to 2^32 - 1 many times over: the largest mantissa at one exponent, 10,000 times
        ExactSumOfSquares full = new ExactSumOfSquares(7);
        double m = Math.nextDown(2.0);
        for (int i = 0; i < 10_000; i++) full.add(m);
        assertThat(full.sum().compareTo(new BigDecimal(m).pow(2).multiply(BigDecimal.valueOf(10_000)))).isZero();
    }

    @Test
    void theNormIsTheSquareRootTo34DigitsAndNonFiniteValuesFollowTheConvention() {
        ExactSumOfSquares s = new ExactSumOfSquares();
        for (int i = 0; i < 1 << 20; i++) s.add(1.0);
        assertThat(s.norm()).isEqualByComparingTo("1024");
        s.add(3e-200); // a square of 9e-400: far below double's range, kept exactly
        assertThat(s.sum().subtract(BigDecimal.valueOf(1 << 20))).isEqualByComparingTo(new BigDecimal(3e-200).pow(2));
        ExactSumOfSquares t = new ExactSumOfSquares();
        t.add(Double.POSITIVE_INFINITY);
        assertThat(t.normAsDouble()).isInfinite();
        t.add(Double.NaN);
        assertThat(t.normAsDouble()).isNaN();
        assertThat(t.norm()).isNull();
        ExactSumOfSquares two = new ExactSumOfSquares();
        two.add(1);
        two.add(1);
        assertThat(two.norm().subtract(BigDecimal.valueOf(2).sqrt(new MathContext(40))).abs()).isLessThan(new BigDecimal("1e-32"));
    }

    @Test
    void relativeErrorIsComputedBeyondDoubleResolution() {
        BigDecimal exact = new BigDecimal(2).sqrt(new MathContext(34));
        double rounded = Math.sqrt(2); // the double nearest sqrt(2)
        double e = ExactSumOfSquares.relativeError(rounded, exact);
        assertThat(e).isPositive().isLessThan(0x1p-53);
        assertThat(ExactSumOfSquares.relativeError(Double.POSITIVE_INFINITY, exact)).isInfinite();
        assertThat(ExactSumOfSquares.relativeError(0, exact)).isEqualTo(1.0);
        assertThat(ExactSumOfSquares.relativeError(0, BigDecimal.ZERO)).isZero();
    }
}
