package org.clipbench.problems;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * A problem whose training loss (and so every gradient) is multiplied by a constant, as when the same
 * model is trained on a loss of another scale (AutoClip's transfer claim). Held-out metrics are the
 * inner problem's, unscaled, so runs at different scales compare directly.
 */
public final class ScaledLoss implements Problem {
    private final Problem inner;
    private final double scale;

    public ScaledLoss(Problem inner, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("problem.lossScale must be a positive finite number, got " + scale);
        this.inner = inner;
        this.scale = scale;
    }

    @Override public String name() { return inner.name() + "x" + scale; }
    @Override public ParamShape shape() { return inner.shape(); }
    @Override public void initialize(ParamSet params, SplittableRandom rng) { inner.initialize(params, rng); }
    @Override public Map<String, Double> evaluate(ParamSet params, SplittableRandom rng) { return inner.evaluate(params, rng); }
    @Override public boolean supportsPerExample() { return inner.supportsPerExample(); }
    @Override public int batchSize() { return inner.batchSize(); }

    @Override
    public double lossAndGradient(ParamSet params, SplittableRandom rng, ParamSet grads) {
        double loss = inner.lossAndGradient(params, rng, grads);
        for (int i = 0; i < grads.size(); i++) grads.backend().scale(grads.tensor(i), scale);
        return scale * loss;
    }

    @Override
    public double perExampleGradients(ParamSet params, SplittableRandom rng, List<ParamSet> out) {
        double loss = inner.perExampleGradients(params, rng, out);
        for (ParamSet g : out) for (int i = 0; i < g.size(); i++) g.backend().scale(g.tensor(i), scale);
        return scale * loss;
    }
}
