package org.clipbench.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.clipbench.privacy.RdpAccountant.Conversion;
import org.junit.jupiter.api.Test;

/**
 * The accountant against closed forms and against values computed independently of it: A_alpha from its
 * definition, E_{z ~ N(0, sigma^2)}[((1 - q) + q exp((2z - 1) / (2 sigma^2)))^alpha] (Mironov, Talwar, Zhang
 * 2019), integrated numerically with mpmath at 40 digits for fractional orders and summed exactly for integer
 * ones, then converted with the formulas of Mironov 2017 (Proposition 3) and Balle et al. 2020 (Theorem 21)
 * over the same orders. The script that computed them is src/test/resources/privacy/rdp-oracle.py.
 */
class RdpAccountantTest {

    /** q, sigma, RDP of one step at orders 2.5 (fractional series), 8 and 32 (integer sum). */
    static final double[][] RDP = {
            {0.001, 0.5, 8.365779777209387e-05, 8.105422539095557, 56.86941390556682},
            {0.001, 1.0, 2.1507424323147326e-06, 6.987941649094147e-06, 8.869413905602325},
            {0.001, 2.0, 3.550868500686401e-07, 1.138223717714744e-06, 4.58731489855166e-06},
            {0.001, 10.0, 1.256277206867088e-08, 4.020309813565522e-08, 1.608512882713886e-07},
            {0.01, 0.5, 0.014771278211720399, 10.736948358948984, 59.24627593704455},
            {0.01, 1.0, 0.00021757533228188047, 0.0008936439076060318, 11.246275937048068},
            {0.01, 2.0, 3.555723596120271e-05, 0.00011575614792991031, 0.000502894646862791},
            {0.01, 10.0, 1.2563329587312252e-06, 4.022474430573833e-06, 1.6128606288051243e-05},
            {0.1, 0.5, 1.288617965439546, 13.368474179442488, 61.62313796852227},
            {0.1, 1.0, 0.023503727261003082, 1.3783614113481266, 13.623137968522595},
            {0.1, 2.0, 0.0035940771994132283, 0.013725430103219919, 1.6272023010194359},
            {0.1, 10.0, 0.0001256777524034355, 0.0004041886527225882, 0.0016532878103028012},
            {1.0, 0.5, 5.0, 16.0, 64.0},
            {1.0, 1.0, 1.25, 4.0, 16.0},
            {1.0, 2.0, 0.3125, 1.0, 4.0},
            {1.0, 10.0, 0.0125, 0.04, 0.16},
    };

    /** q, sigma, steps, epsilon at delta 1e-5: standard conversion, Balle et al. 2020. */
    static final double[][] EPSILON = {
            {0.001, 0.5, 1, 3.52920547936, 2.83561032861},
            {0.001, 0.5, 100, 4.38028095454, 3.59811320973},
            {0.001, 0.5, 100000, 15.7814023472, 14.5701581633},
            {0.001, 1.0, 1, 0.885885203908, 0.608772821783},
            {0.001, 1.0, 100, 0.913164926746, 0.636052544622},
            {0.001, 1.0, 100000, 2.10763165635, 1.7854249444},
            {0.001, 2.0, 1, 0.212181816901, 0.120654659369},
            {0.001, 2.0, 100, 0.214337164632, 0.121778152164},
            {0.001, 2.0, 100000, 0.826507665788, 0.662356993927},
            {0.001, 10.0, 1, 0.0451500170379, 0.0194903238168},
            {0.001, 10.0, 100, 0.0452776997394, 0.0196180065184},
            {0.001, 10.0, 100000, 0.15274145834, 0.108474083456},
            {0.01, 0.5, 1, 5.25320500484, 4.39518013396},
            {0.01, 0.5, 100, 9.14180173009, 8.0307253528},
            {0.01, 0.5, 100000, 235.186579093, 232.483211839},
            {0.01, 1.0, 1, 1.31748435945, 0.955549147703},
            {0.01, 1.0, 100, 1.61182683725, 1.21414521079},
            {0.01, 1.0, 100000, 28.5529669766, 27.2318513165},
            {0.01, 2.0, 1, 0.321280402683, 0.193578153144},
            {0.01, 2.0, 100, 0.387686370095, 0.257129237744},
            {0.01, 2.0, 100000, 9.53819453092, 8.7463955644},
            {0.01, 10.0, 1, 0.04528074585, 0.0196210526289},
            {0.01, 10.0, 100, 0.0583505809531, 0.0326908877321},
            {0.01, 10.0, 100000, 1.57266701514, 1.31285265223},
            {0.1, 0.5, 1, 8.28648197487, 7.35527276006},
            {0.1, 0.5, 100, 36.9895530387, 35.2253844036},
            {0.1, 0.5, 100000, 7068.7185449, 7065.36754783},
            {0.1, 1.0, 1, 2.66654938021, 2.13300599543},
            {0.1, 1.0, 100, 8.79377810382, 7.89925500244},
            {0.1, 1.0, 100000, 924.986101457, 921.635104386},
            {0.1, 2.0, 1, 0.753113006136, 0.525932724184},
            {0.1, 2.0, 100, 3.01653816265, 2.58056880866},
            {0.1, 2.0, 100000, 219.329175423, 216.988290806},
            {0.1, 10.0, 1, 0.062361770519, 0.0367012554324},
            {0.1, 10.0, 100, 0.496626424085, 0.383430056344},
            {0.1, 10.0, 100000, 20.2430588837, 19.121372772},
            {1.0, 0.5, 1, 11.5970522771, 10.7255096964},
            {1.0, 0.5, 100, 297.564627325, 294.861260072},
            {1.0, 0.5, 100000, 220115.129255, 220111.778258},
            {1.0, 1.0, 1, 5.29852613854, 4.72850706722},
            {1.0, 1.0, 100, 98.0258509299, 96.1163084251},
            {1.0, 1.0, 100000, 55115.1292546, 55111.7782576},
            {1.0, 2.0, 1, 2.52426306927, 2.16571565903},
            {1.0, 2.0, 100, 36.512925465, 35.0817540191},
            {1.0, 2.0, 100000, 13865.1292546, 13861.7782576},
            {1.0, 10.0, 1, 0.484852613854, 0.375291222366},
            {1.0, 10.0, 100, 5.29852613854, 4.72850706722},
            {1.0, 10.0, 100000, 657.564627325, 654.861260072},
    };

    @Test
    void rdpOfOneStepMatchesTheDefinitionIntegrated() {
        for (double[] r : RDP) {
            double[] orders = {2.5, 8, 32};
            for (int k = 0; k < 3; k++) {
                // the fractional series stops when its terms fall below e^-30 (as TF Privacy's and Opacus's do): about 1e-13 absolute
                assertThat(RdpAccountant.rdp(r[0], r[1], orders[k])).as("q %s sigma %s alpha %s", r[0], r[1], orders[k])
                        .isCloseTo(r[2 + k], within(1e-9 * Math.abs(r[2 + k]) + 1e-13));
            }
        }
    }

    @Test
    void epsilonMatchesBothConversionsOverTheTable() {
        for (double[] e : EPSILON) {
            long steps = (long) e[2];
            assertThat(RdpAccountant.epsilon(e[0], e[1], steps, 1e-5, Conversion.STANDARD).epsilon()).as("standard, q %s sigma %s steps %d", e[0], e[1], steps)
                    .isCloseTo(e[3], within(1e-8 * e[3] + 1e-12));
            assertThat(RdpAccountant.epsilon(e[0], e[1], steps, 1e-5, Conversion.BALLE_2020).epsilon()).as("Balle, q %s sigma %s steps %d", e[0], e[1], steps)
                    .isCloseTo(e[4], within(1e-8 * e[4] + 1e-12));
        }
    }

    /** Without subsampling the Gaussian mechanism's RDP is alpha / (2 sigma^2) exactly, at every order. */
    @Test
    void withoutSubsamplingRdpIsTheGaussiansClosedForm() {
        for (double alpha : new double[] {1.5, 2, 7.3, 64}) {
            assertThat(RdpAccountant.rdp(1, 1.7, alpha)).isEqualTo(alpha / (2 * 1.7 * 1.7));
        }
        assertThat(RdpAccountant.rdp(0, 1.7, 8)).isZero();
    }

    @Test
    void compositionAddsAndGuaranteesAreMonotone() {
        double[] orders = {1.5, 4, 16};
        double[] one = RdpAccountant.rdp(0.01, 1.1, 1, orders), many = RdpAccountant.rdp(0.01, 1.1, 1000, orders);
        for (int i = 0; i < orders.length; i++) assertThat(many[i]).isCloseTo(1000 * one[i], within(1e-12 * many[i]));
        double previous = 0;
        for (double q : new double[] {1e-3, 1e-2, 0.1, 0.5, 1}) { // more sampling, more privacy lost
            double eps = RdpAccountant.epsilon(q, 1.1, 1000, 1e-5, Conversion.STANDARD).epsilon();
            assertThat(eps).isGreaterThan(previous);
            previous = eps;
        }
        previous = Double.POSITIVE_INFINITY;
        for (double sigma : new double[] {0.6, 1, 2, 5}) { // more noise, less lost
            double eps = RdpAccountant.epsilon(0.01, sigma, 1000, 1e-5, Conversion.STANDARD).epsilon();
            assertThat(eps).isLessThan(previous);
            previous = eps;
        }
        previous = 0;
        for (long steps : new long[] {1, 10, 1000, 100_000}) {
            double eps = RdpAccountant.epsilon(0.01, 1.1, steps, 1e-5, Conversion.STANDARD).epsilon();
            assertThat(eps).isGreaterThan(previous);
            previous = eps;
        }
        // the tighter conversion never gives more
        for (double[] e : EPSILON) assertThat(e[4]).isLessThanOrEqualTo(e[3]);
    }

    @Test
    void sigmaForATargetEpsilonIsTheInverse() {
        for (double target : new double[] {0.5, 1, 3, 8}) {
            double sigma = RdpAccountant.sigmaFor(target, 0.01, 10_000, 1e-5, Conversion.BALLE_2020);
            assertThat(RdpAccountant.epsilon(0.01, sigma, 10_000, 1e-5, Conversion.BALLE_2020).epsilon()).isLessThanOrEqualTo(target)
                    .isGreaterThan(target * 0.999);
        }
        assertThatThrownBy(() -> RdpAccountant.sigmaFor(-1, 0.01, 100, 1e-5, Conversion.STANDARD)).hasMessageContaining("target epsilon must be positive");
    }

    /** Andrew et al. 2021: a count released with noise 2 x that of the gradient costs as much as sigma (1 + 1/16)^(-1/2). */
    @Test
    void theAdaptiveQuantileCountIsCharged() {
        assertThat(RdpAccountant.withQuantileCount(1.0, 2.0)).isCloseTo(Math.pow(1 + 1.0 / 16, -0.5), within(1e-15));
        assertThat(RdpAccountant.withQuantileCount(1.0, 1e9)).isCloseTo(1.0, within(1e-12));
    }

    /**
     * Issue 36: sigma 4.9e-324 (sigma^2 = 0) and 1.7976931348623157e308 (sigma^2 = +Inf) made the fractional-order
     * series loop for ever (its terms NaN), and sigma 1e8 threw "the series did not converge" (a bug's exit 3).
     * The smallest is refused, the largest computed: RDP goes to 0, so epsilon is that of no sampling at all.
     */
    @Test
    void extremeNoiseMultipliersAreComputedOrRefusedNeverLooping() {
        java.time.Duration limit = java.time.Duration.ofSeconds(30);
        double noSampling = RdpAccountant.epsilon(0, 1, 100, 1e-5, Conversion.BALLE_2020).epsilon();
        for (double sigma : new double[] {1e8, 1e155, Double.MAX_VALUE}) {
            double eps = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(limit,
                    () -> RdpAccountant.epsilon(0.01, sigma, 100, 1e-5, Conversion.BALLE_2020).epsilon());
            assertThat(eps).as("sigma %s", sigma).isGreaterThanOrEqualTo(noSampling).isCloseTo(noSampling, within(1e-12));
        }
        // near q = 1/2 the series converges slowest: past its bound of terms the next integer order's closed form bounds it
        double slow = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(limit, () -> RdpAccountant.rdp(0.5, 3e4, 1.1));
        assertThat(slow).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(RdpAccountant.rdp(0.5, 3e4, 2) + 1e-300);
        assertThat(RdpAccountant.logAFractional(0.01, Double.MAX_VALUE, 1.5)).isNaN(); // not a loop
        assertThat(RdpAccountant.logAFractional(0.01, Double.MIN_VALUE, 1.5)).isNaN();
        for (double sigma : new double[] {Double.MIN_VALUE, 1e-300, 9.9e-101}) {
            assertThatThrownBy(() -> org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(limit,
                    () -> RdpAccountant.epsilon(0.01, sigma, 100, 1e-5, Conversion.BALLE_2020)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("give a sigma of at least 1.0E-100");
        }
        assertThat(RdpAccountant.epsilon(0.01, RdpAccountant.MIN_SIGMA, Long.MAX_VALUE, 1e-5, Conversion.BALLE_2020).epsilon()).isFinite();
    }

    /** Issue 36: delta = 4.9e-324 is valid, but log(1 / delta) was log(+Inf): every order's epsilon infinite, the order NaN. */
    @Test
    void theSmallestPositiveDeltaIsAccounted() {
        for (Conversion c : Conversion.values()) {
            RdpAccountant.Spent s = RdpAccountant.epsilon(0.01, 1, 100, Double.MIN_VALUE, c);
            assertThat(s.epsilon()).as(c.name()).isFinite().isGreaterThan(RdpAccountant.epsilon(0.01, 1, 100, 1e-300, c).epsilon());
            assertThat(s.order()).as(c.name()).isBetween(1.0, 256.0);
        }
    }

    @Test
    void badParametersAreRefusedWithTheirName() {
        assertThatThrownBy(() -> RdpAccountant.rdp(1.5, 1, 2)).hasMessageContaining("sampling rate q");
        assertThatThrownBy(() -> RdpAccountant.rdp(0.1, 0, 2)).hasMessageContaining("noise multiplier sigma");
        assertThatThrownBy(() -> RdpAccountant.rdp(0.1, 1, 1)).hasMessageContaining("order alpha");
        assertThatThrownBy(() -> RdpAccountant.epsilon(0.1, 1, 10, 0, Conversion.STANDARD)).hasMessageContaining("delta");
    }
}
