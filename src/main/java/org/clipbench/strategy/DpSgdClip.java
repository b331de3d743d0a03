package org.clipbench.strategy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;

/**
 * DP-SGD per-sample clipping (Abadi et al. 2016; Opacus DPOptimizer / DPPerLayerOptimizer; optax
 * per_example_global_norm_clip / per_example_layer_norm_clip). Flat: each example's whole gradient is
 * scaled by min(1, C / (||g_i|| + eps)) (eps = 0 is Abadi's g / max(1, ||g||/C); Opacus uses 1e-6).
 * Per-layer: each of the K layers is clipped at C / sqrt(K), so the noise scale sigma * ||(C_k)|| is
 * sigma * C as in the flat case. Gaussian noise N(0, sigma^2 C^2) per coordinate comes from a seeded
 * generator on the Java side (identical on every backend); the sum is divided by the expected batch
 * size (the spec's expectedBatch, else the context's, else the actual one: a Poisson lot may be empty).
 * epsilon=E instead of sigma: the trainer sets sigma to spend E over the run (see {@link #targetEpsilon()}). Non-finite examples follow the policy: ERROR names the example and
 * tensor, SKIP leaves out unchanged and reports a skipped step, ZERO zeroes the bad entries.
 */
public class DpSgdClip implements PerExampleClipStrategy {
    private final String name;
    private final String spec;
    private final boolean perLayer;
    protected double sigma;
    private final double targetEpsilon;
    private final double eps;
    private final int expectedBatch;
    private final long seed;
    protected double clipBound;
    private final double initialBound;
    protected SplittableRandom rng;

    public DpSgdClip(StrategyParams p, boolean perLayer) {
        this.name = p.strategy();
        this.spec = p.spec();
        this.perLayer = perLayer;
        this.initialBound = p.positive("C", 1.0, perLayer ? "total clip bound (each of K layers gets C/sqrt(K))"
                : "per-example clip bound");
        sigma = p.nonNegative("sigma", 1.0, "noise multiplier: noise std is sigma * C");
        double epsilon = p.nonNegative("epsilon", 0, "privacy target: the trainer sets sigma to spend this epsilon over the run "
                + "(Poisson sampling, the sweep's delta); 0 = use sigma");
        if (epsilon > 0 && p.given("sigma")) {
            throw new IllegalArgumentException(p.strategy() + ": give sigma or epsilon, not both (epsilon sets sigma for the run)");
        }
        targetEpsilon = epsilon > 0 ? epsilon : Double.NaN;
        eps = p.nonNegative("eps", 0.0, "factor is C/(n+eps): 0 = Abadi, 1e-6 = Opacus");
        expectedBatch = p.integer("expectedBatch", 0, 0, "divisor of the noised sum; 0 = the batch size");
        seed = p.seed("seed", 0, "seed of the noise generator, mixed with the run's seed in training");
        reset();
    }

    @Override public String name() { return name; }
    @Override public String spec() { return spec; }

    @Override
    public void reset() {
        clipBound = initialBound;
        rng = new SplittableRandom(seed);
    }

    /** A training run's noise stream comes from its seed (and the spec's seed), so runs differ in their noise. */
    @Override
    public void reset(long runSeed) {
        clipBound = initialBound;
        rng = new SplittableRandom(runSeed * 0x9E3779B97F4A7C15L + seed); // golden-ratio mix: nearby run seeds, unrelated streams
    }

    /** C from the per-example norms of the batch. */
    @Override
    public Calibration calibration() {
        return Calibration.perExampleBound("C");
    }

    /**
     * Per-example passes over the batch's examples: the norm, the scaling of the clipped share, and the
     * read that adds each example into the sum. The sum itself (1/B of the data: filled, added to,
     * noised, divided) is left out, as are the Gaussian draws.
     */
    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return new MemoryTraffic(2 + scaledShare, scaledShare, 0);
    }

    public double clipBound() {
        return clipBound;
    }

    @Override
    public double noiseMultiplier() {
        return sigma;
    }

    @Override
    public double targetEpsilon() {
        return targetEpsilon;
    }

    @Override
    public void useNoiseMultiplier(double sigma) {
        if (!(sigma >= 0 && Double.isFinite(sigma))) throw new IllegalArgumentException(spec + ": noise multiplier " + sigma + " must be finite and >= 0");
        this.sigma = sigma;
    }

    @Override
    public ClipReport clipAndAggregate(List<ParamSet> examples, ParamSet out, ClipContext ctx) {
        int divisor = divisor(examples.size(), ctx);
        ExampleScreening screening = ExampleScreening.screen(examples, out, ctx, spec);
        if (screening == ExampleScreening.SKIP_STEP) return ClipReport.skippedStep(Double.NaN, clipBound, examples.size());
        boolean sawNonFinite = screening == ExampleScreening.REPAIRED;
        Backend b = out.backend();
        Map<String, List<Integer>> layers = out.layers();
        double[] scales = new double[examples.size()];
        double maxNorm = 0;
        int clipped = 0;
        for (Tensor t : out.tensors()) b.fill(t, 0.0);
        for (int e = 0; e < examples.size(); e++) {
            ParamSet ex = examples.get(e);
            ExampleClip c = clipExample(ex, layers, ctx);
            maxNorm = Math.max(maxNorm, c.norm());
            if (c.norm() == Double.POSITIVE_INFINITY && !sawNonFinite) sawNonFinite = !GradNorms.allFinite(ex);
            scales[e] = c.factor();
            if (GradNorms.changes(c.factor())) clipped++;
            for (int i = 0; i < out.size(); i++) b.axpy(1.0, ex.tensor(i), out.tensor(i));
        }
        return finish(out, divisor, maxNorm, scales, clipped, sawNonFinite, ctx);
    }

    /**
     * What the rule gave each example when only its norms were known: the factor of each of its layers (all equal
     * under flat clipping), and what the report says of the batch, as {@link #clipAndAggregate} says it: the largest
     * norm, one factor per example (per layer: the smallest of its layers') and how many were clipped.
     */
    public record ExampleFactors(double[][] layerFactors, double[] scales, double maxNorm, int clipped) {
    }

    /**
     * Per-example clipping without the per-example gradients (ghost clipping and book-keeping, see
     * org.clipbench.perexample): each example's factor per layer from the norms of its layers, in the order of
     * {@link ParamSet#layers()}, by this rule, at this bound, through the same hooks (the adaptive bound counts these
     * norms). The caller forms sum_i f_i g_i and hands it to {@link #finishSum}, once per call of this method. A norm
     * held with an exponent (beyond a double's range) gives its exact factor, as clipAndAggregate's rescue does.
     */
    public ExampleFactors factorsFromNorms(List<ScaledNorm[]> layerNorms) {
        int n = layerNorms.size();
        double[][] factors = new double[n][];
        double[] scales = new double[n];
        double maxNorm = 0;
        int clipped = 0;
        for (int e = 0; e < n; e++) {
            ScaledNorm[] layers = layerNorms.get(e);
            ScaledNorm total = ScaledNorm.combine(layers);
            recordNorm(total.toDouble());
            maxNorm = Math.max(maxNorm, total.toDouble());
            double[] f = new double[layers.length];
            if (perLayer) {
                double layerBound = clipBound / Math.sqrt(layers.length);
                for (int l = 0; l < layers.length; l++) f[l] = factorOf(layers[l], layerBound);
            } else {
                java.util.Arrays.fill(f, factorOf(total, clipBound));
            }
            // as clipAndAggregate reports it: flat, the example's factor (above 1 for AUTO); per layer, the smallest at most 1
            double reported = perLayer ? 1 : f.length == 0 ? 1 : f[0];
            if (perLayer) for (double x : f) reported = Math.min(reported, x);
            scales[e] = reported;
            if (GradNorms.changes(reported)) clipped++;
            factors[e] = f;
        }
        return new ExampleFactors(factors, scales, maxNorm, clipped);
    }

    /**
     * The end of a step whose clipped sum sum_i f_i g_i was formed from {@link #factorsFromNorms}: the noise, the
     * division by the expected batch size and the adaptive bound's update, exactly as {@link #clipAndAggregate} ends.
     */
    public ClipReport finishSum(ParamSet sum, ExampleFactors factors, ClipContext ctx) {
        return finish(sum, divisor(factors.scales().length, ctx), factors.maxNorm(), factors.scales(), factors.clipped(), false, ctx);
    }

    private int divisor(int examples, ClipContext ctx) {
        int divisor = expectedBatch > 0 ? expectedBatch : ctx.expectedBatch() > 0 ? ctx.expectedBatch() : examples;
        if (divisor == 0) throw new IllegalArgumentException(spec + ": the batch has no examples and no expected size to divide by");
        return divisor;
    }

    /** Noise, divisor, the bound's update and the report: how every step of the rule ends, whoever formed the sum. */
    private ClipReport finish(ParamSet out, int divisor, double maxNorm, double[] scales, int clipped, boolean sawNonFinite, ClipContext ctx) {
        addNoise(out);
        GradNorms.scaleAll(out, 1.0 / divisor);
        double usedBound = clipBound; // before afterStep: the adaptive rule moves the bound for the next step
        afterStep(divisor);
        double post = ctx.measure() ? GradNorms.global(out, 2, ctx.normKind()) : Double.NaN;
        return ClipReport.perUnit(maxNorm, post, usedBound, scales, clipped).withNonFinite(sawNonFinite || Double.isNaN(maxNorm));
    }

    /** One example's L2 norm and the factor it was scaled by (per layer: the smallest of its layers'). */
    private record ExampleClip(double norm, double factor) {
    }

    private ExampleClip clipExample(ParamSet ex, Map<String, List<Integer>> layers, ClipContext ctx) {
        double[] norms = GradNorms.tensorNorms(ex, 2, ctx.normKind());
        double total = GradNorms.combine(norms, 2);
        recordNorm(total);
        if (!perLayer) return new ExampleClip(total, scaleUnit(ex, null, GradNorms.rescued(ex, null, 2, total), clipBound));
        double layerBound = clipBound / Math.sqrt(layers.size());
        double smallest = 1;
        for (List<Integer> members : layers.values()) {
            ScaledNorm n = GradNorms.rescued(ex, members, 2, GradNorms.subsetNorm(norms, members));
            smallest = Math.min(smallest, scaleUnit(ex, members, n, layerBound));
        }
        return new ExampleClip(total, smallest);
    }

    /** Scales a unit (some tensors of an example; null = all) of norm n by the rule's factor at the bound; returns the factor. */
    private double scaleUnit(ParamSet example, List<Integer> members, ScaledNorm n, double bound) {
        double r = unitFactor(n, bound);
        if (!scales(n, r)) return 1;
        return GradNorms.applyUnitFactor(example, members, n, r).factor();
    }

    /** The factor of a unit of norm n when only its norm is known (1 where the rule leaves it as it is). */
    private double factorOf(ScaledNorm n, double bound) {
        double r = unitFactor(n, bound);
        return scales(n, r) ? Math.scalb(r, -n.exponent()) : 1;
    }

    /**
     * The rule: a unit (an example, or one layer of it) of norm n is scaled by r · 2^-exponent, r returned here.
     * DP-SGD clips to the bound, min(1, C / (n + eps)), applied only where that changes anything ({@link #scales}).
     */
    protected double unitFactor(ScaledNorm n, double bound) {
        return n.unitFactor(bound, 1, eps);
    }

    /** Whether the rule scales a unit of norm n by its factor r: DP-SGD only where r is below 1 (or NaN). */
    protected boolean scales(ScaledNorm n, double r) {
        return n.changes(r);
    }

    /** Gaussian noise of standard deviation sigma * C on every coordinate of the sum, drawn from the run's stream. */
    private void addNoise(ParamSet sum) {
        double noiseStd = sigma * clipBound;
        if (noiseStd <= 0) return;
        for (Tensor t : sum.tensors()) {
            double[] noise = new double[(int) t.size()];
            for (int k = 0; k < noise.length; k++) noise[k] = noiseStd * ParamSet.gaussian(rng);
            sum.backend().addArray(t, 1.0, noise);
        }
    }

    /** Hook: sees each example's pre-clip norm (the adaptive rule counts those under the bound). */
    protected void recordNorm(double norm) {
    }

    /** Hook: runs after the noised sum (the adaptive rule updates the bound). */
    protected void afterStep(int batchSize) {
    }
}
