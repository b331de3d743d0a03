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
 * holds, yet none is L-smooth. cosh2: f(x) = e^x + e^-x, (2, 1)-smooth, minimum 2 at 0. poly4: x^4,
 * minimum 0 at 0. Started at x0; metrics report |f'| so "steps until |f'| <= 1e-6" can be read off.
 */
public final class SmoothFunction implements Problem {
    public enum Kind { COSH2, POLY4 }

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
            default -> throw new IllegalArgumentException("unknown smooth function '" + s + "': use cosh2 or poly4");
        };
    }

    @Override public String name() { return kind.name().toLowerCase(Locale.ROOT) + "@" + x0; }
    @Override public ParamShape shape() { return shape; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        p.backend().assign(p.tensor(0), new double[] {x0});
    }

    public double value(double x) {
        return kind == Kind.COSH2 ? Math.exp(x) + Math.exp(-x) : x * x * x * x;
    }

    public double derivative(double x) {
        return kind == Kind.COSH2 ? Math.exp(x) - Math.exp(-x) : 4 * x * x * x;
    }

    public double secondDerivative(double x) {
        return kind == Kind.COSH2 ? Math.exp(x) + Math.exp(-x) : 12 * x * x;
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
