package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.clipbench.tasks.NoiseDistribution;

/**
 * Estimating a mean: f(x) = E[(x - a)^2 / 2] over samples a, optimum x* = E[a] = 0, for the clipping-bias
 * experiments. With "two-point" samples are a = -3 and a = +3, both in every batch of 2 (Chen, Wu, Hong
 * 2020, Example 2: per-sample clipping at 1 makes the mean clipped gradient 0 on all of [-2, 2]).
 * Otherwise a batch holds independent draws of a zero-mean noise law (Koloskova et al. 2023: clipping a
 * skewed stochastic gradient moves the fixed point; a symmetric law does not). Per-example gradients
 * x - a_i are available (DP-style per-sample clipping).
 */
public final class ScalarMean implements Problem {
    private final NoiseDistribution noise; // null: the two-point example
    private final double x0;
    private final int batch;
    private final ParamShape shape = new ParamShape("scalar", List.of(new TensorSpec("x", 1, 1, "x")));

    public ScalarMean(NoiseDistribution noise, double x0, int batch) {
        if (batch < 1) throw new IllegalArgumentException("scalar mean: batch must be at least 1");
        if (noise == null && batch != 2) throw new IllegalArgumentException("scalar mean two-point: the batch is the two samples, batch must be 2");
        this.noise = noise;
        this.x0 = x0;
        this.batch = batch;
    }

    @Override public String name() { return "mean-" + (noise == null ? "two-point" : noise.toString()); }
    @Override public ParamShape shape() { return shape; }
    @Override public boolean supportsPerExample() { return true; }
    @Override public int batchSize() { return batch; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        p.backend().assign(p.tensor(0), new double[] {x0});
    }

    private double[] samples(SplittableRandom rng) {
        if (noise == null) return new double[] {-3, 3};
        double[] a = new double[batch];
        for (int i = 0; i < batch; i++) a[i] = noise.sample(rng);
        return a;
    }

    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double x = p.backend().toDoubles(p.tensor(0))[0];
        double loss = 0, grad = 0;
        for (double a : samples(rng)) {
            loss += 0.5 * (x - a) * (x - a);
            grad += x - a;
        }
        g.backend().assign(g.tensor(0), new double[] {grad / batch});
        return loss / batch;
    }

    @Override
    public double perExampleGradients(ParamSet p, SplittableRandom rng, List<ParamSet> out) {
        double x = p.backend().toDoubles(p.tensor(0))[0];
        double[] a = samples(rng);
        double loss = 0;
        for (int i = 0; i < batch; i++) {
            loss += 0.5 * (x - a[i]) * (x - a[i]);
            out.get(i).backend().assign(out.get(i).tensor(0), new double[] {x - a[i]});
        }
        return loss / batch;
    }

    /** x itself, and the excess loss x^2 / 2 over the optimum. */
    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double x = p.backend().toDoubles(p.tensor(0))[0];
        return Map.of("x", x, "loss", 0.5 * x * x);
    }
}
