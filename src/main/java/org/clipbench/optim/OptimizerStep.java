package org.clipbench.optim;

import org.clipbench.backend.Backend;
import org.clipbench.params.ParamSet;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipStrategy;
import org.clipbench.strategy.FoldableClip;
import org.clipbench.strategy.Strategies;

/**
 * A clip and the optimizer step after it, as a JVM trainer pays for them: the step is one pass over the
 * parameters (the backend's step kernel), and the clip either runs on its own first (SEPARATE: the
 * strategy rewrites the gradient) or is folded into the step's read of the gradient (FUSED: a factor per
 * tensor or a clamp; a norm-based rule still reads the gradient once for its norm). The two give the
 * same parameters bit for bit; a gradient the fold cannot take (see {@link FoldableClip#fold}) is clipped
 * on its own in either mode.
 */
public final class OptimizerStep {
    public enum Mode { SEPARATE, FUSED }

    /** sgd, momentum (mu 0.9), adam, adamw (decoupled weight decay 0.01): PyTorch's defaults otherwise. */
    public enum Rule {
        SGD, MOMENTUM, ADAM, ADAMW;

        public static Rule named(String s) {
            for (Rule r : values()) if (r.name().equalsIgnoreCase(s)) return r;
            throw new IllegalArgumentException("optimizer '" + s + "': use sgd, momentum, adam or adamw");
        }

        boolean adam() {
            return this == ADAM || this == ADAMW;
        }
    }

    static final double MU = 0.9, B1 = 0.9, B2 = 0.999, EPS = 1e-8, WD = 0.01;

    private final Rule rule;
    private final ClipStrategy clip;
    private final Mode mode;
    private final ClipContext ctx;
    private final ParamSet params;
    private final ParamSet first; // momentum buffer or Adam's m
    private final ParamSet second; // Adam's v
    private long t;

    private OptimizerStep(Rule rule, ClipStrategy clip, Mode mode, ParamSet params, ClipContext ctx) {
        this.rule = rule;
        this.clip = clip;
        this.mode = mode;
        this.params = params;
        this.ctx = clip.readsParameters() ? ctx.withParams(params) : ctx; // AGC reads the parameters being stepped
        this.first = rule == Rule.SGD ? null : params.zerosLike();
        this.second = rule.adam() ? params.zerosLike() : null;
    }

    /** A step of the rule with the clip spec (a registered strategy; fused mode needs one that folds). */
    public static OptimizerStep of(Rule rule, String clipSpec, Mode mode, ParamSet params, ClipContext ctx) {
        if (!(Strategies.create(clipSpec) instanceof ClipStrategy c)) {
            throw new IllegalArgumentException(clipSpec + ": clips per example or updates, not a gradient before the step");
        }
        if (mode == Mode.FUSED && !(c instanceof FoldableClip f && f.folds())) {
            throw new IllegalArgumentException(clipSpec + ": does not fold into the step (fused steps fold " + String.join(", ", Strategies.folding()) + ")");
        }
        return new OptimizerStep(rule, c, mode, params, ctx);
    }

    /** One step with this gradient (SEPARATE clips it in place; FUSED leaves it as it is); whether the clip changed it. */
    public boolean step(ParamSet grads, double lr) {
        FoldableClip.Fold fold = mode == Mode.FUSED ? ((FoldableClip) clip).fold(grads, ctx) : null;
        boolean clipped;
        if (fold == null) {
            clipped = clip.clip(grads, ctx).clipped();
            fold = FoldableClip.Fold.identity(grads.size());
        } else {
            clipped = fold.changes();
        }
        t++;
        Backend b = params.backend();
        double c1 = 1 - Math.pow(B1, t), c2 = 1 - Math.pow(B2, t);
        for (int i = 0; i < grads.size(); i++) {
            double s = fold.scale()[i];
            double[] rows = fold.rowsOf(i);
            if (rows != null) {
                stepRows(b, i, grads, rows, lr, c1, c2);
                continue;
            }
            switch (rule) {
                case SGD -> b.sgdStep(params.tensor(i), null, grads.tensor(i), s, fold.clamp(), lr, 0);
                case MOMENTUM -> b.sgdStep(params.tensor(i), first.tensor(i), grads.tensor(i), s, fold.clamp(), lr, MU);
                case ADAM, ADAMW -> b.adamStep(params.tensor(i), first.tensor(i), second.tensor(i), grads.tensor(i), s, fold.clamp(),
                        -lr / c1, B1, B2, 1 / c2, EPS, rule == Rule.ADAMW ? -lr * WD : 0);
            }
        }
        return clipped;
    }

    /** Tensor i stepped row by row, each row's gradient read times its own factor (a per-unit clip folded in); one thread. */
    private void stepRows(Backend b, int i, ParamSet grads, double[] rows, double lr, double c1, double c2) {
        switch (rule) {
            case SGD -> b.sgdStepRows(params.tensor(i), null, grads.tensor(i), rows, lr, 0);
            case MOMENTUM -> b.sgdStepRows(params.tensor(i), first.tensor(i), grads.tensor(i), rows, lr, MU);
            case ADAM, ADAMW -> b.adamStepRows(params.tensor(i), first.tensor(i), second.tensor(i), grads.tensor(i), rows,
                    -lr / c1, B1, B2, 1 / c2, EPS, rule == Rule.ADAMW ? -lr * WD : 0);
        }
    }

    public ParamSet params() {
        return params;
    }

    /**
     * Passes over memory of one step, in units of one gradient-sized array: the step reads g and every
     * state array and writes them back (SGD 3, momentum 5, Adam 7), plus the clip's own: SEPARATE adds the
     * strategy's traffic (a norm read, then a read and a write of the gradient), FUSED only the norm read.
     */
    public static double stepPasses(Rule rule) {
        return switch (rule) {
            case SGD -> 3;
            case MOMENTUM -> 5;
            case ADAM, ADAMW -> 7;
        };
    }
}
