package org.clipbench.problems;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;

/**
 * Deterministic one-dimensional (L0, L1)-smooth functions (Zhang et al. 2020, ICLR): |f''| <= L0 + L1 |f'|
 * holds. cosh2: f(x) = e^x + e^-x, (2, 1)-smooth, minimum 2 at 0; poly4: x^4, minimum 0 at 0; neither is L-smooth:
 * their curvature grows with the gradient, the setting where clipping pays. Two controls where it does not, for
 * the negative controls of the claims about that setting: quadratic, x^2 (curvature 2 everywhere: L-smooth), and
 * logcosh, log cosh x (curvature sech^2 x falls as the gradient tanh x grows). Started at x0; metrics report |f'|
 * so "steps until |f'| <= 1e-6" can be read off.
 */
public final class SmoothFunction implements Problem {
    public enum Kind { COSH2, POLY4, QUADRATIC, LOGCOSH }

    private final Kind kind;
    private final double x0;
    private final ParamShape shape = new ParamShape("smooth", List.of(new TensorSpec("x", 1, 1, "x")));

    public SmoothFunction(Kind kind, double x0) {
        this.kind = kind;
        this.x0 = x0;
    }

    public static Kind parseKind(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "cosh2", "exp-sum" -> Kind.COSH2;
            case "poly4", "quartic" -> Kind.POLY4;
            case "quadratic" -> Kind.QUADRATIC;
            case "logcosh" -> Kind.LOGCOSH;
            default -> throw new IllegalArgumentException("unknown smooth function '" + s + "': use cosh2, poly4, quadratic or logcosh");
        };
    }

    @Override public String name() { return kind.name().toLowerCase(Locale.ROOT) + "@" + x0; }
    @Override public ParamShape shape() { return shape; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        p.backend().assign(p.tensor(0), new double[] {x0});
    }

    public double value(double x) {
        return switch (kind) {
            case COSH2 -> Math.exp(x) + Math.exp(-x);
            case POLY4 -> x * x * x * x;
            case QUADRATIC -> x * x;
            // log cosh x without overflow: |x| + log(1 + e^(-2|x|)) - log 2
            case LOGCOSH -> Math.abs(x) + Math.log1p(Math.exp(-2 * Math.abs(x))) - Math.log(2);
        };
    }

    public double derivative(double x) {
        return switch (kind) {
            case COSH2 -> Math.exp(x) - Math.exp(-x);
            case POLY4 -> 4 * x * x * x;
            case QUADRATIC -> 2 * x;
            case LOGCOSH -> Math.tanh(x);
        };
    }

    public double secondDerivative(double x) {
        return switch (kind) {
            case COSH2 -> Math.exp(x) + Math.exp(-x);
            case POLY4 -> 12 * x * x;
            case QUADRATIC -> 2;
            case LOGCOSH -> 1 / (Math.cosh(x) * Math.cosh(x));
        };
    }

    @Override
    public double lossAndGradient(ParamSet p, SplittableRandom rng, ParamSet g) {
        double x = p.backend().toDoubles(p.tensor(0))[0];
        g.backend().assign(g.tensor(0), new double[] {derivative(x)});
        return value(x);
    }

    @Override
    public Map<String, Double> evaluate(ParamSet p, SplittableRandom rng) {
        double x = p.backend().toDoubles(p.tensor(0))[0];
        return Map.of("loss", value(x), "abs_grad", Math.abs(derivative(x)), "x", x);
    }
}
