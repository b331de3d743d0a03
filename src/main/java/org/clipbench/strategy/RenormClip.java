package org.clipbench.strategy;

import java.util.List;
import org.clipbench.params.ParamSet;

/**
 * Renormalisation (DL4J RenormalizeL2PerParamType / RenormalizeL2PerLayer): every tensor (or layer)
 * is always scaled to unit L2 norm, g / ||g||. A zero norm is replaced by 1e-5 as in DL4J, which
 * leaves a zero gradient zero (and untouched). NaN norms give NaN; an Inf norm zeroes finite entries.
 */
public final class RenormClip extends AbstractClipStrategy {
    private final boolean perLayer;

    public RenormClip(StrategyParams p) {
        super(p);
        perLayer = p.choice("scope", "unit of normalisation", "tensor", "layer").equals("layer");
    }

    /** Always scales, to a unit norm: only the always regime. */
    @Override
    public Calibration calibration() {
        return Calibration.fixed(Regime.ALWAYS);
    }

    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return MemoryTraffic.normThenScale(1); // every unit is rescaled on every call
    }

    @Override
    protected ClipReport apply(ParamSet g, ClipContext ctx) {
        double[] norms = GradNorms.tensorNorms(g, 2, ctx.normKind());
        double pre = GradNorms.combine(norms, 2);
        List<List<Integer>> units = perLayer ? List.copyOf(g.layers().values())
                : java.util.stream.IntStream.range(0, norms.length).mapToObj(List::of).toList();
        double[] scales = new double[units.size()];
        double[] posts = new double[units.size()];
        int changed = 0;
        for (int u = 0; u < units.size(); u++) {
            double n = GradNorms.subsetNorm(norms, units.get(u));
            scales[u] = 1;
            posts[u] = n;
            if (n == 0 || n == 1) continue; // zero norm: g / 1e-5 of a zero gradient is that gradient
            GradNorms.UnitClip r = GradNorms.renormUnit(g, units.get(u), n);
            scales[u] = r.factor();
            posts[u] = r.postNorm();
            changed++;
        }
        return ClipReport.perUnit(pre, GradNorms.combine(posts, 2), 1.0, scales, changed);
    }
}
