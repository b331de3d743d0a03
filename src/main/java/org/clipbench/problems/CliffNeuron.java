package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;

/**
 * Pascanu et al. 2013's single-neuron cliff: x_t = w sigma(x_{t-1}) + b, x_0 = 0.5, T steps, loss
 * (sigma(x_T) - target)^2, parameters (w, b). Near w = 5, b = -2.612 the loss falls from ~0.34 to ~0.001
 * within 1e-4 in b, and the gradient norm there peaks in the thousands. Gradients by backprop through
 * the T steps; a 2-element parameter vector "wb" = (w, b).
 */
public final class CliffNeuron implements Problem {
    private final double w0;
    private final double b0;
    private final int steps;
    private final double target;
    private final ParamShape shape = new ParamShape("cliff", List.of(new TensorSpec("wb", 1, 2, "neuron")));

    public CliffNeuron(double w0, double b0, int steps, double target) {
        if (steps < 1) throw new IllegalArgumentException("cliff: steps must be at least 1");
        this.w0 = w0;
        this.b0 = b0;
        this.steps = steps;
        this.target = target;
    }

    /** The paper's setting: 50 steps, target 0.7, start (w, b). */
    public static CliffNeuron paper(double w0, double b0) {
        return new CliffNeuron(w0, b0, 50, 0.7);
    }

    @Override public String name() { return "cliff"; }
    @Override public ParamShape shape() { return shape; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        p.backend().assign(p.tensor(0), new double[] {w0, b0});
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Loss and gradient (dL/dw, dL/db) at (w, b). */
    public double[] lossAndGradient(double w, double b) {
        double[] x = new double[steps + 1];
        x[0] = 0.5;
        for (int t = 1; t <= steps; t++) x[t] = w * sigmoid(x[t - 1]) + b;
        double s = sigmoid(x[steps]);
        double loss = (s - target) * (s - target);
        double dx = 2 * (s - target) * s * (1 - s);
        double dw = 0, db = 0;
        for (int t = steps; t >= 1; t--) {
            double sp = sigmoid(x[t - 1]);
            dw += dx * sp;
            db += dx;
            dx = dx * w * sp * (1 - sp);
        }
        return new double[] {loss, dw, db};
    }

    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double[] wb = p.backend().toDoubles(p.tensor(0));
        double[] r = lossAndGradient(wb[0], wb[1]);
        g.backend().assign(g.tensor(0), new double[] {r[1], r[2]});
        return r[0];
    }

    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double[] wb = p.backend().toDoubles(p.tensor(0));
        double[] r = lossAndGradient(wb[0], wb[1]);
        return Map.of("loss", r[0], "w", wb[0], "b", wb[1]);
    }

}
