package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.TensorSpec;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * Real phase retrieval (Mai and Johansson 2021's super-quadratic benchmark): recover x* from b_i = <a_i, x*>^2,
 * f(x) = (1/m) sum_i (<a_i, x>^2 - b_i)^2 / 4, a_i ~ N(0, I_d), x* a unit vector; the m measurements and x* are
 * drawn from the run's seed (a new instance per seed). SGD samples batch measurements per step (with
 * replacement). The loss is quartic in x, so plain SGD's stable step size shrinks with the start's norm. Starts at
 * start * z / ||z||, z standard Gaussian. Metrics: the full loss and the distance to the solution set {x*, -x*}.
 */
public final class PhaseRetrieval implements Problem {
    private final int dim, measurements, batch;
    private final double start;
    private final ParamShape shape;
    private double[][] a;
    private double[] b, solution;

    public PhaseRetrieval(int dim, int measurements, int batch, double start) {
        if (dim < 1) throw new IllegalArgumentException("phase-retrieval: dim must be at least 1");
        if (measurements < dim) throw new IllegalArgumentException("phase-retrieval: measurements must be at least dim");
        if (batch < 1) throw new IllegalArgumentException("phase-retrieval: batch must be at least 1");
        if (!(start > 0 && Double.isFinite(start))) throw new IllegalArgumentException("phase-retrieval: start must be finite and > 0");
        this.dim = dim;
        this.measurements = measurements;
        this.batch = batch;
        this.start = start;
        this.shape = new ParamShape("phase-retrieval", List.of(new TensorSpec("x", 1, dim, "x")));
    }

    @Override public String name() { return "phase-retrieval-" + dim + "x" + measurements; }
    @Override public ParamShape shape() { return shape; }
    @Override public int batchSize() { return batch; }

    /** Draws the instance (x*, the a_i), then the start. */
    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        solution = unit(rng);
        a = new double[measurements][dim];
        b = new double[measurements];
        for (int i = 0; i < measurements; i++) {
            for (int j = 0; j < dim; j++) a[i][j] = ParamSet.gaussian(rng);
            double ax = dot(a[i], solution);
            b[i] = ax * ax;
        }
        double[] x0 = unit(rng);
        for (int j = 0; j < dim; j++) x0[j] *= start;
        p.backend().assign(p.tensor(0), x0);
    }

    private double[] unit(SplittableRandom rng) {
        double[] z = new double[dim];
        double s = 0;
        for (int j = 0; j < dim; j++) {
            z[j] = ParamSet.gaussian(rng);
            s += z[j] * z[j];
        }
        for (int j = 0; j < dim; j++) z[j] /= Math.sqrt(s);
        return z;
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int j = 0; j < u.length; j++) s += u[j] * v[j];
        return s;
    }

    private double[] x(ParamSet p) {
        if (a == null) throw new IllegalStateException("phase-retrieval: initialize before use");
        return p.backend().toDoubles(p.tensor(0));
    }

    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double[] x = x(p), grad = new double[dim];
        double loss = 0;
        for (int k = 0; k < batch; k++) {
            int i = rng.nextInt(measurements);
            double ax = dot(a[i], x), r = ax * ax - b[i];
            loss += r * r / 4;
            for (int j = 0; j < dim; j++) grad[j] += r * ax * a[i][j] / batch;
        }
        g.backend().assign(g.tensor(0), grad);
        return loss / batch;
    }

    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double[] x = x(p);
        double loss = 0, plus = 0, minus = 0;
        for (int i = 0; i < measurements; i++) {
            double ax = dot(a[i], x), r = ax * ax - b[i];
            loss += r * r / 4 / measurements;
        }
        for (int j = 0; j < dim; j++) {
            plus += (x[j] - solution[j]) * (x[j] - solution[j]);
            minus += (x[j] + solution[j]) * (x[j] + solution[j]);
        }
        return Map.of("loss", loss, "distance", Math.sqrt(Math.min(plus, minus)));
    }
}
