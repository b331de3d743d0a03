package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.clipbench.tasks.NoiseDistribution;

/**
 * f(x, xi) = ||x||^2 / 2 + <xi, x> in d dimensions (Zhang et al. 2020 NeurIPS; Gorbunov et al. 2020):
 * the stochastic gradient is x + xi with zero-mean noise xi from a chosen law, so clipping bias and
 * heavy tails can be studied where the optimum (x = 0, f = 0) is known. Start x0 = start * (0, 1, ..., d-1), or
 * start in one dimension.
 */
public final class NoisyQuadratic implements Problem {
    private final int dim;
    private final double start;
    private final NoiseDistribution noise;
    private final ParamShape shape;

    public NoisyQuadratic(int dim, double start, NoiseDistribution noise) {
        if (dim < 1) throw new IllegalArgumentException("noisy quadratic: dimension must be at least 1");
        this.dim = dim;
        this.start = start;
        this.noise = noise;
        this.shape = new ParamShape("quadratic", List.of(new TensorSpec("x", 1, dim, "x")));
    }

    @Override public String name() { return "quadratic-" + noise; }
    @Override public ParamShape shape() { return shape; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        double[] x = new double[dim];
        // start * (0, 1, ..., d-1); in one dimension that would be the optimum itself (loss 0): start there at start
        for (int i = 0; i < dim; i++) x[i] = dim == 1 ? start : start * i;
        p.backend().assign(p.tensor(0), x);
    }

    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double[] x = p.backend().toDoubles(p.tensor(0));
        double[] grad = new double[dim];
        double loss = 0;
        for (int i = 0; i < dim; i++) {
            double xi = noise.sample(rng);
            loss += 0.5 * x[i] * x[i] + xi * x[i];
            grad[i] = x[i] + xi;
        }
        g.backend().assign(g.tensor(0), grad);
        return loss;
    }

    /** The noise-free objective ||x||^2 / 2 and the distance to the optimum. */
    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double[] x = p.backend().toDoubles(p.tensor(0));
        double s = 0;
        for (double v : x) s += v * v;
        return Map.of("loss", 0.5 * s, "distance", Math.sqrt(s));
    }
}
