package org.clipbench.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Tensor;
import org.clipbench.kernel.VectorKernels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each JVM norm's error pinned, on the accuracy table's own data (seed 1): a stated upper bound for every
 * implementation, and for the naive float sums the error they are known to make (a lower bound too, so that a kernel
 * quietly made accurate, or one gone wrong, both fail). n = 2^22 standard normals unless a case says otherwise.
 */
class AccuracyBoundsTest {
    static final int N = 1 << 22;
    /** implementation label + dtype -> relative error on 2^22 standard normals. */
    static final Map<String, Double> NORMAL = new LinkedHashMap<>();

    @BeforeAll
    static void measureNormal() throws IOException {
        for (DType d : DType.values()) {
            GradientStream g = new GradientStream(ValueLaw.NORMAL, d, N, 1);
            double[] v = values(g);
            BigDecimal exact = g.exact().norm();
            for (JvmNorm j : JvmNorm.forDtype(d, new ArrayList<>())) NORMAL.put(j.label() + " " + d, error(j, d, v, exact));
        }
    }

    static double[] values(GradientStream g) throws IOException {
        double[] v = new double[(int) g.n()];
        g.forEachBlock((s, block, c) -> System.arraycopy(block, 0, v, (int) s, c));
        return v;
    }

    static double norm(JvmNorm j, DType d, double[] v) {
        Backend b = Backends.create(j.backend());
        Tensor t = b.fromDoubles("g", 1, v.length, d, v);
        return b.norm2(t, j.kind());
    }

    static double error(JvmNorm j, DType d, double[] v, BigDecimal exact) {
        return ExactSumOfSquares.relativeError(norm(j, d, v), exact);
    }

    static double normal(String label) {
        assertThat(NORMAL).containsKey(label);
        return NORMAL.get(label);
    }

    @Test
    void everyImplementationOfEveryDtypeIsMeasured() {
        // f32: arrays 3, vector 3, ejml 3, nd4j 2; f64: + commons-math 2; bf16 and f16: arrays 3, vector 3
        assertThat(NORMAL.keySet().stream().filter(k -> k.endsWith(" f32"))).hasSize(11);
        assertThat(NORMAL.keySet().stream().filter(k -> k.endsWith(" f64"))).hasSize(13);
        assertThat(NORMAL.keySet().stream().filter(k -> k.endsWith(" bf16"))).hasSize(6);
        assertThat(NORMAL.keySet().stream().filter(k -> k.endsWith(" f16"))).hasSize(6);
    }

    /** One float running sum over 4M squares: its error is real and about n u / 4 (measured 0.0018), a bound of n u (0.25) holds. */
    @Test
    void naiveFloatSumsLoseDigitsAsTheyGrow() {
        for (String impl : List.of("arrays naive f32", "ejml naive f32", "nd4j naive f32", "arrays naive bf16", "arrays naive f16")) {
            assertThat(normal(impl)).as(impl).isBetween(5e-4, 5e-3);
        }
        // vector naive: 2 x lanes float accumulators, each summing n / (2 lanes): far less, but still a float sum
        assertThat(normal("vector naive f32")).isBetween(1e-6, 2e-4);
        assertThat(normal("vector naive bf16")).isBetween(1e-6, 2e-4);
        // EJML's normF scales by max|x| but still sums in float; ND4J's safe norm only reruns on overflow
        assertThat(normal("ejml library f32")).isBetween(5e-4, 5e-3);
        assertThat(normal("nd4j safe f32")).isBetween(5e-4, 5e-3);
    }

    /** Blocks of 1,024 float sums moved to a double total: within 1e-7 (float rounding of one block, not of the whole). */
    @Test
    void blockedKernelsStayWithinAFloatBlocksError() {
        for (String impl : List.of("vector safe f32", "vector fast-safe f32", "arrays fast-safe f32", "vector safe bf16", "vector safe f16",
                "vector fast-safe f16", "arrays fast-safe bf16", "arrays fast-safe f16")) {
            assertThat(normal(impl)).as(impl).isLessThan(1e-6);
        }
        assertThat(normal("vector safe f32")).isLessThan(1e-8); // measured 1.2e-9
    }

    /** f64 accumulation of f32 (and 16-bit) squares, and every f64 kernel: within 1e-13 (n u of double is 4.7e-10; these sum in blocks or lanes). */
    @Test
    void doubleAccumulationIsAccurateToDoublesResolution() {
        for (String impl : List.of("arrays safe f32", "arrays safe bf16", "arrays safe f16")) assertThat(normal(impl)).as(impl).isLessThan(1e-14);
        NORMAL.forEach((impl, e) -> {
            if (impl.endsWith(" f64")) assertThat(e).as(impl).isLessThan(2e-13);
        });
    }

    /**
     * All ones: a float running sum stops at 2^24 (2^24 + 1 rounds back to 2^24), so one float accumulator returns
     * sqrt(2^24) = 4096 for any n above 2^24; a blocked or lane-split sum is exact there. The vector kernel's naive sum has
     * 2 x lanes accumulators: it stalls only from 2 x lanes x 2^24 entries (2^29 with AVX-512's 16 float lanes).
     */
    @Test
    void aFloatRunningSumOfOnesStallsAt2To24Exactly() throws IOException {
        int n = (1 << 24) + (1 << 22);
        GradientStream g = new GradientStream(ValueLaw.ONES, DType.F32, n, 1);
        double[] v = values(g);
        assertThat(norm(new JvmNorm("arrays", NormKind.NAIVE), DType.F32, v)).isEqualTo(4096.0); // true: 4579.4
        assertThat(g.exact().norm().doubleValue()).isEqualTo(Math.sqrt(n));
        for (JvmNorm j : List.of(new JvmNorm("vector", NormKind.NAIVE), new JvmNorm("vector", NormKind.SAFE), new JvmNorm("arrays", NormKind.FAST_SAFE),
                new JvmNorm("arrays", NormKind.SAFE))) {
            assertThat(norm(j, DType.F32, v)).as(j.label()).isEqualTo(Math.sqrt(n));
        }
        assertThat(2L * VectorKernels.F.length() << 24).as("where the vector kernel's naive sum stalls").isGreaterThan(n);
    }

    /** Entries near float's largest value: every naive float sum overflows; the safe kernels stay within double's resolution. */
    @Test
    void nearTheOverflowEdgeNaiveSumsOverflowAndSafeOnesDoNot() throws IOException {
        GradientStream g = new GradientStream(ValueLaw.NEAR_OVERFLOW, DType.F32, 4096, 1);
        double[] v = values(g);
        BigDecimal exact = g.exact().norm();
        for (JvmNorm j : JvmNorm.forDtype(DType.F32, new ArrayList<>())) {
            double e = error(j, DType.F32, v, exact);
            if (j.kind() == NormKind.NAIVE || j.label().equals("ejml library")) assertThat(e).as(j.label()).isInfinite();
            else if (j.backend().equals("nd4j")) assertThat(e).as(j.label() + ": rescaled, then a float sum").isLessThan(1e-5);
            else assertThat(e).as(j.label()).isLessThan(1e-15);
        }
    }

    /** Entries near float's smallest values: naive float sums of their squares underflow to 0 (error 1); the safe kernels do not. */
    @Test
    void nearTheUnderflowEdgeNaiveSumsReturnZero() throws IOException {
        GradientStream g = new GradientStream(ValueLaw.NEAR_UNDERFLOW, DType.F32, 4096, 1);
        double[] v = values(g);
        BigDecimal exact = g.exact().norm();
        for (JvmNorm j : JvmNorm.forDtype(DType.F32, new ArrayList<>())) {
            double e = error(j, DType.F32, v, exact);
            if (j.kind() == NormKind.NAIVE) assertThat(e).as(j.label()).isEqualTo(1.0);
            else if (j.backend().equals("ejml") || j.backend().equals("nd4j")) assertThat(e).as(j.label() + ": scaled, then a float sum").isLessThan(1e-5);
            else assertThat(e).as(j.label()).isLessThan(1e-13);
        }
    }

    @Test
    void theLargestFiniteNormIsWhereTheSumOfSquaresOverflows() {
        Backend b = Backends.create("vector");
        Tensor t = b.zeros("g", 1, 4096, DType.F32);
        for (NormKind k : List.of(NormKind.NAIVE, NormKind.SAFE)) {
            long p = AccuracyRun.largestFinitePattern(pattern -> {
                b.fill(t, AccuracyRun.valueOf(pattern, DType.F32));
                return b.norm2(t, k);
            }, DType.F32);
            double entry = AccuracyRun.valueOf(p, DType.F32);
            if (k == NormKind.NAIVE) {
                // 4096 v^2 must stay below float's 3.4e38: v up to sqrt(3.4e38 / 4096) = 2.88e17, a norm of sqrt(3.4e38) = 1.84e19
                assertThat(entry).isBetween(2.8e17, 2.9e17);
                b.fill(t, Math.nextUp((float) entry));
                assertThat(b.norm2(t, k)).isInfinite();
            } else {
                assertThat(entry).isEqualTo(Float.MAX_VALUE); // the safe kernel's double result holds 64 x 3.4e38
            }
        }
    }

    @Test
    void theGroupingBugsAreFarOutsideTheBoundAndTheRightCombinationIsWithinIt() {
        double[] shards = {3, 4};
        assertThat(AccuracyRun.combine("sqrt-of-sum-of-squares", shards)).isEqualTo(5);
        assertThat(AccuracyRun.combine("sum-of-norms", shards)).isEqualTo(7);
        assertThat(AccuracyRun.combine("sqrt-of-sum-of-norms", shards)).isEqualTo(Math.sqrt(7));
        assertThat(AccuracyRun.ulp(1.0, DType.BF16)).isEqualTo(0x1p-7);
        assertThat(AccuracyRun.ulp(1.0, DType.F16)).isEqualTo(0x1p-10);
        assertThat(AccuracyRun.ulp(1.0, DType.F32)).isEqualTo(0x1p-23);
        assertThat(AccuracyRun.shard(10, 3, 2)).containsExactly(6, 10);
    }
}
