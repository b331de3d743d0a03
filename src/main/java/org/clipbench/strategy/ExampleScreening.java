package org.clipbench.strategy;

import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;

/** What the non-finite policy made of a batch of per-example gradients: nothing seen, repaired (zeroed), or the step to be skipped. */
enum ExampleScreening {
    CLEAN, REPAIRED, SKIP_STEP;

    /** Checks the examples' shapes and applies the non-finite policy to each tensor (PROPAGATE looks at nothing). */
    static ExampleScreening screen(List<ParamSet> examples, ParamSet out, ClipContext ctx, String spec) {
        Backend b = out.backend();
        ExampleScreening found = CLEAN;
        for (int e = 0; e < examples.size(); e++) {
            ParamSet ex = examples.get(e);
            if (ex.size() != out.size()) {
                throw new IllegalArgumentException(spec + ": example " + e + " has " + ex.size() + " tensors but the output has " + out.size());
            }
            if (ctx.nonFinite() == NonFinitePolicy.PROPAGATE) continue;
            for (Tensor t : ex.tensors()) {
                if (b.allFinite(t)) continue;
                switch (ctx.nonFinite()) {
                    case ERROR -> throw new NonFiniteGradientException("example " + e + "/" + t.name(), spec);
                    case SKIP -> {
                        return SKIP_STEP;
                    }
                    default -> {
                        b.zeroNonFinite(t);
                        found = REPAIRED;
                    }
                }
            }
        }
        return found;
    }
}
