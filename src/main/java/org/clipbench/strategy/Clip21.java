package org.clipbench.strategy;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.params.ParamSet;

/**
 * Clip21 (Khirirat, Gorbunov, Horváth, Islamov, Karray, Richtárik 2023, "Clip21: Error Feedback for
 * Gradient Clipping", Algorithm 1): each of n workers keeps an estimate e_i of its gradient and sends only
 * the clipped change, e_i += clip_c(g_i - e_i) (L2 norm, e_i = 0 at the start); the step is the mean of
 * the estimates. Naive per-worker clipping (dp-flat with sigma 0) averages clip_c(g_i) instead and, with
 * heterogeneous workers, stalls where the clipped gradients cancel, not at the optimum; Clip21's
 * estimates catch up with the gradients, so it converges. The examples of the batch are the workers: the
 * same ones, in the same order, at every step (problem type "workers"); they are read, not changed (what
 * is clipped is the change, computed in a scratch buffer of one worker's size). Non-finite examples follow the policy, as in DP-SGD.
 */
public final class Clip21 implements PerExampleClipStrategy {
    private final String name;
    private final String spec;
    private final double c;
    private List<ParamSet> estimates;
    private ParamSet change; // scratch: one worker's g - e, so the examples are read, not changed

    public Clip21(StrategyParams p) {
        name = p.strategy();
        spec = p.spec();
        c = p.positive("c", 1.0, "per-worker clip threshold of the change of its gradient (tau)");
    }

    @Override public String name() { return name; }
    @Override public String spec() { return spec; }

    @Override
    public void reset() {
        estimates = null;
        change = null;
    }

    /**
     * c from the examples' norms, never regime only: with the same gradients every call, the estimates catch up
     * within a few calls and nothing is clipped after that, which is also Clip21's steady state in training.
     */
    @Override
    public Calibration calibration() {
        return Calibration.perExampleBound("c", List.of(Regime.NEVER));
    }

    /**
     * Per worker: g copied to the scratch change (1 read, 1 write), e subtracted (2 reads, 1 write), its norm (1 read),
     * the scaling of the clipped share, e += change (2 reads, 1 write) and the read of e into the mean (the mean
     * itself, 1/B of the data, left out as for DP-SGD).
     */
    @Override
    public MemoryTraffic traffic(double scaledShare) {
        return new MemoryTraffic(1 + 2 + 1 + scaledShare + 2 + 1, 1 + 1 + scaledShare + 1, 0);
    }

    @Override
    public ClipReport clipAndAggregate(List<ParamSet> workers, ParamSet out, ClipContext ctx) {
        if (workers.isEmpty()) throw new IllegalArgumentException(spec + ": the batch has no workers");
        ExampleScreening screening = ExampleScreening.screen(workers, out, ctx, spec);
        if (screening == ExampleScreening.SKIP_STEP) return ClipReport.skippedStep(Double.NaN, c, workers.size());
        ensureEstimates(workers);
        Backend b = out.backend();
        double[] scales = new double[workers.size()];
        double maxNorm = 0;
        int clipped = 0;
        for (var t : out.tensors()) b.fill(t, 0.0);
        for (int w = 0; w < workers.size(); w++) {
            ParamSet g = workers.get(w), e = estimates.get(w);
            change.copyFrom(g);
            for (int i = 0; i < g.size(); i++) b.axpy(-1.0, e.tensor(i), change.tensor(i)); // g - e
            double n = GradNorms.global(change, 2, ctx.normKind());
            maxNorm = Math.max(maxNorm, n);
            scales[w] = GradNorms.clipUnit(change, null, n, 2, c, 1, 0).factor(); // exact also when n overflows
            if (GradNorms.changes(scales[w])) clipped++;
            for (int i = 0; i < g.size(); i++) {
                b.axpy(1.0, change.tensor(i), e.tensor(i));
                b.axpy(1.0, e.tensor(i), out.tensor(i));
            }
        }
        GradNorms.scaleAll(out, 1.0 / workers.size());
        double post = ctx.measure() ? GradNorms.global(out, 2, ctx.normKind()) : Double.NaN;
        return ClipReport.perUnit(maxNorm, post, c, scales, clipped)
                .withNonFinite(screening == ExampleScreening.REPAIRED || Double.isNaN(maxNorm) || maxNorm == Double.POSITIVE_INFINITY && !allFinite(workers));
    }

    private void ensureEstimates(List<ParamSet> workers) {
        ParamSet first = workers.get(0);
        if (estimates != null && estimates.size() == workers.size() && estimates.get(0).shape().equals(first.shape())
                && estimates.get(0).backend() == first.backend() && estimates.get(0).dtype() == first.dtype()) {
            return;
        }
        if (estimates != null && estimates.size() != workers.size()) {
            throw new IllegalArgumentException(spec + ": Clip21 keeps one estimate per worker and had " + estimates.size() + ", now the batch has "
                    + workers.size() + " examples: give every step the same workers (problem type \"workers\")");
        }
        estimates = new ArrayList<>();
        for (int w = 0; w < workers.size(); w++) estimates.add(first.zerosLike());
        change = first.zerosLike();
    }

    private static boolean allFinite(List<ParamSet> workers) {
        for (ParamSet p : workers) if (!GradNorms.allFinite(p)) return false;
        return true;
    }
}
