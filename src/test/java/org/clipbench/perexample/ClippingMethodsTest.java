package org.clipbench.perexample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.UnsupportedCombinationException;
import org.clipbench.kernel.Activation;
import org.clipbench.models.Batch;
import org.clipbench.models.Loss;
import org.clipbench.models.Mlp;
import org.clipbench.models.Model;
import org.clipbench.models.SequenceLinear;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.NonFiniteGradientException;
import org.clipbench.strategy.NonFinitePolicy;
import org.clipbench.strategy.PerExampleClipStrategy;
import org.clipbench.strategy.Strategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four methods give the same clipped, noised, averaged gradient, under every DP rule of the registry, on every
 * backend with row views (arrays, vector, nd4j) in f32 and f64, on the MLP (T = 1) and on a linear layer over a
 * sequence (T = 4, where mixed takes ghost norms, and T = 6 on a narrow layer, where it forms the gradients). The
 * reference is independent of the methods: each example alone through the model (Model.perExampleGradients), then the
 * strategy's own clipAndAggregate. Tolerance, elementwise on the gradient and on each example's factor: 1e-9 (f64) or
 * 2e-4 (f32) of the largest |entry| (at least 1). Two steps each, so the adaptive bound's update is compared too.
 */
class ClippingMethodsTest {

    /** Every DP rule of the registry (the per-example strategies that clip by the norm; Clip21 clips workers, not examples). */
    static final List<String> RULES = Strategies.examples().stream().filter(s -> Strategies.create(s) instanceof org.clipbench.strategy.DpSgdClip).toList();

    /** The backends with row views, and their dtypes. */
    static List<Arguments> backends() {
        List<Arguments> out = new ArrayList<>();
        for (String name : Backends.names()) {
            Backend b = Backends.create(name, 1);
            if (!b.supportsFlatLayout()) continue;
            for (DType d : DType.values()) if (b.supports(d) && !d.isHalf()) out.add(Arguments.of(name, d)); // 16-bit storage holds gradients, not models
        }
        return out;
    }

    /** A model, a batch of examples of different scales (some clipped at C = 1, some not) and its parameters' seed. */
    record Case(String label, Model model, Batch batch) {
        LinearLayers on(ParamSet p) {
            return model instanceof Mlp m ? m.on(p, batch) : ((SequenceLinear) model).on(p, batch);
        }
    }

    static final double[] SCALES = {0.05, 0.3, 1, 2, 0.1, 4};

    static Batch sequence(int n, int steps, int in, int out, long seed, UnaryOperator<double[][][]> edit) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][][] x = new double[steps][n][in], y = new double[steps][n][out];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < in; j++) x[t][i][j] = SCALES[i % SCALES.length] * ParamSet.gaussian(r);
                for (int j = 0; j < out; j++) y[t][i][j] = SCALES[i % SCALES.length] * ParamSet.gaussian(r);
            }
        }
        return Batch.everyStep(edit.apply(x), y);
    }

    static Batch classification(int n, int in, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][in];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < in; j++) x[i][j] = 3 * SCALES[i % SCALES.length] * ParamSet.gaussian(r);
            labels[i] = r.nextInt(classes);
        }
        return Batch.classification(x, labels);
    }

    static List<Case> cases() {
        return List.of(
                new Case("mlp", new Mlp("mlp", new int[] {5, 7, 6, 4}, Activation.TANH, Loss.SOFTMAX_CROSS_ENTROPY), classification(6, 5, 4, 11)),
                new Case("sequence T=4", new SequenceLinear(6, 8), sequence(5, 4, 6, 8, 12, x -> x)),
                new Case("narrow sequence T=6", new SequenceLinear(3, 2), sequence(4, 6, 3, 2, 13, x -> x)));
    }

    static Stream<Arguments> combos() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments b : backends()) for (String rule : RULES) out.add(Arguments.of(b.get()[0], b.get()[1], rule));
        return out.stream();
    }

    static ParamSet params(Backend b, DType d, Model m) {
        return ParamSet.gaussian(b, m.shape(), d, Layout.SEPARATE, 7, 0.5);
    }

    static double tolerance(DType d) {
        return d == DType.F64 ? 1e-9 : 2e-4;
    }

    /** Two steps of the rule, the reference way: each example alone through the model, then the strategy. */
    static List<Step> reference(Case c, ParamSet p, String rule, ClipContext ctx) {
        PerExampleClipStrategy dp = Strategies.perExample(rule);
        List<Step> steps = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            List<ParamSet> per = new ArrayList<>();
            for (int i = 0; i < c.batch().size(); i++) per.add(p.zerosLike());
            c.model().perExampleGradients(p, c.batch(), per);
            ParamSet out = p.zerosLike();
            ClipReport r = dp.clipAndAggregate(per, out, ctx);
            steps.add(new Step(out, r));
        }
        return steps;
    }

    static List<Step> run(String method, Case c, ParamSet p, String rule, ClipContext ctx) {
        PerExampleClipStrategy dp = Strategies.perExample(rule);
        ClippingMethod m = ClippingMethods.create(method);
        List<Step> steps = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            ParamSet out = p.zerosLike();
            ClipReport r = m.step(c.on(p), dp, out, ctx);
            steps.add(new Step(out, r));
        }
        return steps;
    }

    record Step(ParamSet gradient, ClipReport report) {
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("combos")
    void everyMethodGivesTheReferenceGradient(String backend, DType d, String rule) {
        Backend b = Backends.create(backend, 1);
        for (Case c : cases()) {
            ParamSet p = params(b, d, c.model());
            List<Step> want = reference(c, p, rule, ClipContext.defaults());
            assertThat(want.get(0).report().clippedUnits()).as("%s: the data has examples clipped", c.label()).isPositive();
            for (String method : ClippingMethods.names()) {
                List<Step> got = run(method, c, p, rule, ClipContext.defaults());
                for (int s = 0; s < 2; s++) {
                    String what = c.label() + " " + method + " step " + (s + 1);
                    assertSame(got.get(s), want.get(s), d, what);
                }
            }
        }
    }

    static void assertSame(Step got, Step want, DType d, String what) {
        assertClose(got.gradient().toDoubles(), want.gradient().toDoubles(), tolerance(d), what + " gradient");
        assertThat(got.report().clippedUnits()).as("%s: examples clipped", what).isEqualTo(want.report().clippedUnits());
        assertThat(got.report().skipped()).as("%s: skipped", what).isEqualTo(want.report().skipped());
        assertThat(got.report().threshold()).as("%s: bound", what).isCloseTo(want.report().threshold(), org.assertj.core.api.Assertions.offset(1e-9 * want.report().threshold()));
        if (want.report().skipped()) return;
        assertClose(List.of(got.report().scales()), List.of(want.report().scales()), tolerance(d), what + " factors");
        double pre = want.report().preNorm();
        if (Double.isNaN(pre)) assertThat(got.report().preNorm()).as("%s: largest norm", what).isNaN();
        else assertThat(got.report().preNorm()).as("%s: largest norm", what).isCloseTo(pre, org.assertj.core.api.Assertions.offset(tolerance(d) * Math.max(1, pre)));
    }

    /** Elementwise within tol of the largest |expected| (at least 1); NaN where and only where expected is NaN. */
    static void assertClose(List<double[]> actual, List<double[]> expected, double tol, String what) {
        double max = 1;
        for (double[] e : expected) for (double v : e) if (Double.isFinite(v)) max = Math.max(max, Math.abs(v));
        for (int t = 0; t < expected.size(); t++) {
            double[] x = actual.get(t), y = expected.get(t);
            assertThat(x).as("%s tensor %d", what, t).hasSameSizeAs(y);
            for (int i = 0; i < y.length; i++) {
                if (Double.isNaN(y[i]) || Double.isNaN(x[i])) {
                    assertThat(Double.isNaN(x[i])).as("%s tensor %d [%d]: %s vs %s", what, t, i, x[i], y[i]).isEqualTo(Double.isNaN(y[i]));
                } else {
                    assertThat(Math.abs(x[i] - y[i])).as("%s tensor %d [%d]: %s vs %s", what, t, i, x[i], y[i]).isLessThanOrEqualTo(tol * max);
                }
            }
        }
    }

    // ------------------------------------------------------------------ extreme values

    /** A sequence batch whose example 1 is multiplied by s (inputs and targets: its gradient by s^2); example 3 all zero. */
    static Case extreme(double s) {
        SequenceLinear model = new SequenceLinear(6, 8);
        Batch base = sequence(5, 4, 6, 8, 21, x -> x);
        double[][][] x = base.inputs(), y = base.stepTargets();
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < x[t][1].length; j++) x[t][1][j] *= s;
            for (int j = 0; j < y[t][1].length; j++) y[t][1][j] *= s;
            java.util.Arrays.fill(x[t][3], 0.0);
            java.util.Arrays.fill(y[t][3], 0.0);
        }
        return new Case("extreme x" + s, model, Batch.everyStep(x, y));
    }

    /** Zero bias, so that the all-zero example has z = 0 = y: a zero gradient. */
    static ParamSet zeroBiasParams(Backend b, DType d, Model m) {
        ParamSet p = params(b, d, m);
        b.fill(p.tensor(1), 0.0);
        return p;
    }

    static Stream<Arguments> extremes() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments b : backends()) {
            DType d = (DType) b.get()[1];
            // squares of the gradient's entries overflow (f64: entries ~1e200; f32: Gram entries ~1e30 x 1e30), and underflow
            double huge = d == DType.F64 ? 1e100 : 1e15, tiny = d == DType.F64 ? 1e-100 : 1e-12;
            for (double s : new double[] {huge, tiny}) {
                for (String rule : RULES) out.add(Arguments.of(b.get()[0], d, s, rule));
            }
        }
        return out.stream();
    }

    /**
     * An example whose gradient's squared norm overflows (or underflows) the naive sum, beside a zero gradient: every method
     * gives the reference's gradient and factors (the zero example keeps factor 1 under every rule, AUTO included).
     */
    @ParameterizedTest(name = "{0} {1} x{2} {3}")
    @MethodSource("extremes")
    void extremeAndZeroGradientsGiveTheReferenceGradient(String backend, DType d, double scale, String rule) {
        Backend b = Backends.create(backend, 1);
        Case c = extreme(scale);
        ParamSet p = zeroBiasParams(b, d, c.model());
        List<Step> want = reference(c, p, rule, ClipContext.defaults());
        assertThat(want.get(0).report().scales()[3]).as("the zero example is left as it is").isEqualTo(1.0);
        if (scale > 1) assertThat(naiveSquaredNorm(c, p, 1)).as("the naive squared norm of example 1 overflows").isInfinite();
        for (String method : ClippingMethods.names()) {
            List<Step> got = run(method, c, p, rule, ClipContext.defaults());
            for (int s = 0; s < 2; s++) assertSame(got.get(s), want.get(s), d, c.label() + " " + method + " step " + (s + 1));
        }
    }

    /** sum of g^2 over example i's gradient, in the dtype's own arithmetic (what a naive norm computes). */
    static double naiveSquaredNorm(Case c, ParamSet p, int i) {
        List<ParamSet> per = new ArrayList<>();
        for (int e = 0; e < c.batch().size(); e++) per.add(p.zerosLike());
        c.model().perExampleGradients(p, c.batch(), per);
        double sum = 0;
        float sum32 = 0;
        for (double[] t : per.get(i).toDoubles()) {
            for (double v : t) {
                sum += v * v;
                sum32 += (float) v * (float) v;
            }
        }
        return p.dtype() == DType.F32 ? sum32 : sum;
    }

    // ------------------------------------------------------------------ non-finite values

    static Case withNaN() {
        return new Case("NaN in example 2", new SequenceLinear(6, 8), sequence(5, 4, 6, 8, 31, x -> {
            x[2][2][3] = Double.NaN;
            return x;
        }));
    }

    static Stream<Arguments> policies() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments b : backends()) {
            for (NonFinitePolicy policy : List.of(NonFinitePolicy.PROPAGATE, NonFinitePolicy.ZERO, NonFinitePolicy.SKIP)) {
                out.add(Arguments.of(b.get()[0], b.get()[1], policy));
            }
        }
        return out.stream();
    }

    /** Under propagate, zero and skip every method does what the strategy does with the per-example gradients themselves. */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("policies")
    void nonFiniteExamplesFollowTheStrategysPolicy(String backend, DType d, NonFinitePolicy policy) {
        Backend b = Backends.create(backend, 1);
        Case c = withNaN();
        ParamSet p = params(b, d, c.model());
        ClipContext ctx = ClipContext.defaults().withPolicy(policy);
        for (String rule : RULES) {
            List<Step> want = reference(c, p, rule, ctx);
            for (String method : ClippingMethods.names()) {
                List<Step> got = run(method, c, p, rule, ctx);
                assertThat(got.get(0).report().skipped()).as("%s %s skipped", method, rule).isEqualTo(policy == NonFinitePolicy.SKIP);
                assertThat(got.get(0).report().nonFinite()).as("%s %s saw the NaN", method, rule).isTrue();
                assertSame(got.get(0), want.get(0), d, c.label() + " " + method + " " + rule + " " + policy);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backends")
    void underErrorEveryMethodNamesTheExample(String backend, DType d) {
        Backend b = Backends.create(backend, 1);
        Case c = withNaN();
        ParamSet p = params(b, d, c.model());
        ClipContext ctx = ClipContext.defaults().withPolicy(NonFinitePolicy.ERROR);
        for (String method : ClippingMethods.names()) {
            assertThatThrownBy(() -> ClippingMethods.create(method).step(c.on(p), Strategies.perExample("dp-flat:C=1"), p.zerosLike(), ctx))
                    .as(method).isInstanceOf(NonFiniteGradientException.class).hasMessageContaining("example 2/proj.weight");
        }
    }

    // ------------------------------------------------------------------ what each method holds

    /**
     * The working set each method reports is the tensors it holds: materialised B whole gradients; ghost and book-keeping
     * two T x T Gram matrices and a bias row (nothing at T = 1: row norms of the batch); mixed, on a layer where
     * 2 T^2 > d_in d_out, one formed gradient.
     */
    @Test
    void eachMethodHoldsWhatItsAlgorithmNeeds() {
        Backend b = Backends.create("arrays", 1);
        for (DType d : DType.values()) {
            if (d.isHalf()) continue; // 16-bit storage holds gradients, not models
            int bytes = d.bytes();
            Case seq = cases().get(1), narrow = cases().get(2), mlp = cases().get(0);
            ParamSet p = params(b, d, seq.model());
            assertThat(peak("materialised", seq, p)).isEqualTo(5L * (6 * 8 + 8) * bytes);
            assertThat(peak("ghost", seq, p)).isEqualTo((2L * 4 * 4 + 8) * bytes);
            assertThat(peak("book-keeping", seq, p)).isEqualTo((2L * 4 * 4 + 8) * bytes);
            assertThat(peak("mixed", seq, p)).as("2 T^2 = 32 <= 48: ghost norms").isEqualTo((2L * 4 * 4 + 8) * bytes);
            ParamSet q = params(b, d, narrow.model());
            assertThat(peak("mixed", narrow, q)).as("2 T^2 = 72 > 6: one formed gradient").isEqualTo((3L * 2 + 2) * bytes);
            assertThat(peak("ghost", narrow, q)).isEqualTo((2L * 6 * 6 + 2) * bytes);
            ParamSet r = params(b, d, mlp.model());
            assertThat(peak("ghost", mlp, r)).as("T = 1: row norms, no tensor").isZero();
            assertThat(peak("materialised", mlp, r)).isEqualTo(6L * mlp.model().shape().totalSize() * bytes);
        }
    }

    static long peak(String method, Case c, ParamSet p) {
        ClippingMethod m = ClippingMethods.create(method);
        m.step(c.on(p), Strategies.perExample("dp-flat:C=1,sigma=0"), p.zerosLike(), ClipContext.defaults());
        return m.peakBytes();
    }

    @Test
    void mixedTakesGhostNormsWhereTwoGramMatricesAreNoLargerThanAGradient() {
        Backend b = Backends.create("arrays", 1);
        LayerTrace t = new LayerTrace(b.zeros("a", 16 * 3, 768, DType.F32), b.zeros("d", 16 * 3, 3072, DType.F32), 16, 0, 1);
        assertThat(Mixed.ghostFits(t)).isTrue();
        assertThat(Mixed.ghostFits(new LayerTrace(b.zeros("a", 1536, 768, DType.F32), b.zeros("d", 1536, 3072, DType.F32), 1536, 0, 1)))
                .as("2 x 1536^2 = 768 x 3072 x 2").isFalse();
        assertThat(Mixed.ghostFits(new LayerTrace(b.zeros("a", 1086, 768, DType.F32), b.zeros("d", 1086, 3072, DType.F32), 1086, 0, 1)))
                .as("2 x 1086^2 = 2,358,792 <= 2,359,296").isTrue();
        assertThat(Mixed.ghostFits(new LayerTrace(b.zeros("a", 1087, 768, DType.F32), b.zeros("d", 1087, 3072, DType.F32), 1087, 0, 1))).isFalse();
    }

    @Test
    void theNonPrivateStepIsTheBatchMeanGradient() {
        Backend b = Backends.create("arrays", 1);
        for (Case c : cases()) {
            ParamSet p = params(b, DType.F64, c.model());
            ParamSet want = p.zerosLike(), got = p.zerosLike();
            double loss = c.model().lossAndGradient(p, c.batch(), want);
            assertThat(ClippingMethods.nonPrivateStep(c.on(p), got)).isEqualTo(loss);
            assertClose(got.toDoubles(), want.toDoubles(), 0, c.label());
        }
    }

    @Test
    void backendsWithoutRowViewsAreRefusedNamingThoseThatHaveThem() {
        for (String name : List.of("ejml", "commons-math")) {
            Backend b = Backends.create(name, 1);
            Case c = cases().get(1);
            ParamSet p = params(b, DType.F64, c.model());
            for (String method : ClippingMethods.names()) {
                assertThatThrownBy(() -> ClippingMethods.create(method).step(c.on(p), Strategies.perExample("dp-flat"), p.zerosLike(), ClipContext.defaults()))
                        .isInstanceOf(UnsupportedCombinationException.class).hasMessageContaining("no views").hasMessageContaining("arrays, vector, nd4j");
            }
        }
    }

    @Test
    void unknownMethodsAndRulesWithoutANormAreRefused() {
        assertThatThrownBy(() -> ClippingMethods.create("ghostly")).hasMessageContaining("unknown clipping method 'ghostly'")
                .hasMessageContaining("book-keeping");
        PerExampleClipStrategy noNorm = new PerExampleClipStrategy() {
            @Override public String name() { return "sum"; }
            @Override public String spec() { return "sum"; }
            @Override public void reset() { }
            @Override public org.clipbench.strategy.Calibration calibration() { return null; }
            @Override public org.clipbench.strategy.MemoryTraffic traffic(double scaledShare) { return null; }
            @Override public ClipReport clipAndAggregate(List<ParamSet> perExample, ParamSet out, ClipContext ctx) { return null; }
        };
        Backend b = Backends.create("arrays", 1);
        Case c = cases().get(1);
        ParamSet p = params(b, DType.F64, c.model());
        assertThatThrownBy(() -> ClippingMethods.create("ghost").step(c.on(p), noNorm, p.zerosLike(), ClipContext.defaults()))
                .hasMessageContaining("needs a norm rule").hasMessageContaining("materialised method runs any");
    }
}
