package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.TensorSpec;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * A super-quadratic stochastic problem (Mai and Johansson 2021's x^4 example, in d dimensions):
 * f(x, xi) = sum_j (x_j - xi_j)^4 / 4 with xi_j ~ N(0, noiseScale^2), stochastic gradient (x - xi)^3 per
 * coordinate. The gradient grows with the cube of the distance, so no step size is stable from every start:
 * plain SGD diverges once lr * 3 x^2 exceeds about 2, clipped SGD's step is at most lr * c. Optimum x = 0
 * (the noise is symmetric); starts at x = start in every coordinate.
 */
public final class StochasticQuartic implements Problem {
    private final int dim;
    private final double start;
    private final double noiseScale;
    private final ParamShape shape;

    public StochasticQuartic(int dim, double start, double noiseScale) {
        if (dim < 1) throw new IllegalArgumentException("quartic: dim must be at least 1");
        if (!Double.isFinite(start)) throw new IllegalArgumentException("quartic: start must be finite");
        if (!(noiseScale >= 0 && Double.isFinite(noiseScale))) throw new IllegalArgumentException("quartic: noiseScale must be finite and >= 0");
        this.dim = dim;
        this.start = start;
        this.noiseScale = noiseScale;
        this.shape = new ParamShape("quartic", List.of(new TensorSpec("x", 1, dim, "x")));
    }

    @Override public String name() { return "quartic-" + dim; }
    @Override public ParamShape shape() { return shape; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        double[] x = new double[dim];
        java.util.Arrays.fill(x, start);
        p.backend().assign(p.tensor(0), x);
    }

    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double[] x = p.backend().toDoubles(p.tensor(0)), grad = new double[dim];
        double loss = 0;
        for (int j = 0; j < dim; j++) {
            double r = x[j] - noiseScale * ParamSet.gaussian(rng);
            loss += r * r * r * r / 4;
            grad[j] = r * r * r;
        }
        g.backend().assign(g.tensor(0), grad);
        return loss;
    }

    /** loss: the noise-free sum x_j^4 / 4 (the expected loss less its value at 0, up to the noise's terms); distance: ||x||. */
    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double[] x = p.backend().toDoubles(p.tensor(0));
        double loss = 0, s = 0;
        for (double v : x) {
            loss += v * v * v * v / 4;
            s += v * v;
        }
        return Map.of("loss", loss, "distance", Math.sqrt(s));
    }
}
