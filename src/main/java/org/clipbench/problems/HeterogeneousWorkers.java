package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.TensorSpec;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * Heterogeneous least squares over n workers (Khirirat et al. 2023's simulated distributed problem):
 * f(x) = (1/n) sum_i f_i(x), f_i(x) = ||x - b_i||^2 / 2, each worker's target b_i = spread * z_i with z_i standard
 * Gaussian in d dimensions, drawn from the run's seed (each seed is a new problem instance). The optimum is
 * the mean of the b_i; the workers disagree by about spread * sqrt(d), so a per-worker clip below that is
 * active at the optimum. The per-example gradients are the workers' full gradients x - b_i, the same workers
 * at every step (deterministic). Starts at x = 0.
 */
public final class HeterogeneousWorkers implements Problem {
    private final int workers;
    private final int dim;
    private final double spread;
    private final ParamShape shape;
    private double[][] targets;
    private double[] optimum;

    public HeterogeneousWorkers(int workers, int dim, double spread) {
        if (workers < 2) throw new IllegalArgumentException("workers problem: workers must be at least 2");
        if (dim < 1) throw new IllegalArgumentException("workers problem: dim must be at least 1");
        if (!(spread > 0 && Double.isFinite(spread))) throw new IllegalArgumentException("workers problem: spread must be finite and > 0");
        this.workers = workers;
        this.dim = dim;
        this.spread = spread;
        this.shape = new ParamShape("workers", List.of(new TensorSpec("x", 1, dim, "x")));
    }

    @Override public String name() { return "workers-" + workers + "x" + dim; }
    @Override public ParamShape shape() { return shape; }
    @Override public boolean supportsPerExample() { return true; }
    @Override public int batchSize() { return workers; }

    /** Draws the workers' targets from rng, then starts at 0. */
    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        targets = new double[workers][dim];
        optimum = new double[dim];
        for (double[] b : targets) {
            for (int j = 0; j < dim; j++) {
                b[j] = spread * ParamSet.gaussian(rng);
                optimum[j] += b[j] / workers;
            }
        }
        p.backend().assign(p.tensor(0), new double[dim]);
    }

    private double[] x(ParamSet p) {
        if (targets == null) throw new IllegalStateException("workers problem: initialize before use");
        return p.backend().toDoubles(p.tensor(0));
    }

    /** The mean loss and the full gradient x - mean(b). */
    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double[] x = x(p), grad = new double[dim];
        for (int j = 0; j < dim; j++) grad[j] = x[j] - optimum[j];
        g.backend().assign(g.tensor(0), grad);
        return meanLoss(x);
    }

    @Override
    public double perExampleGradients(ParamSet p, SplittableRandom rng, List<ParamSet> out) {
        double[] x = x(p);
        for (int i = 0; i < workers; i++) {
            double[] grad = new double[dim];
            for (int j = 0; j < dim; j++) grad[j] = x[j] - targets[i][j];
            out.get(i).backend().assign(out.get(i).tensor(0), grad);
        }
        return meanLoss(x);
    }

    private double meanLoss(double[] x) {
        double s = 0;
        for (double[] b : targets) for (int j = 0; j < dim; j++) s += 0.5 * (x[j] - b[j]) * (x[j] - b[j]);
        return s / workers;
    }

    /** loss: f(x) - f(x*) = ||x - x*||^2 / 2; distance: ||x - x*|| (also the norm of the full gradient). */
    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double[] x = x(p);
        double s = 0;
        for (int j = 0; j < dim; j++) s += (x[j] - optimum[j]) * (x[j] - optimum[j]);
        return Map.of("loss", 0.5 * s, "distance", Math.sqrt(s));
    }
}
