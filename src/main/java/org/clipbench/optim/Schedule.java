package org.clipbench.optim;

import java.util.Locale;

/**
 * Learning rate at a step (0-based) of a run of total steps: constant, linear warm-up from 0 over
 * warmup steps, then constant, cosine or linear decay to 0 at the end.
 */
public record Schedule(String decay, int warmup) {
    public Schedule {
        decay = decay.toLowerCase(Locale.ROOT);
        if (!decay.equals("constant") && !decay.equals("cosine") && !decay.equals("linear")) {
            throw new IllegalArgumentException("unknown schedule '" + decay + "': use constant, cosine or linear");
        }
        if (warmup < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmup);
    }

    public static Schedule constant() {
        return new Schedule("constant", 0);
    }

    public double lr(double base, long step, long total) {
        if (step < warmup) return base * (step + 1) / warmup;
        double progress = total <= warmup ? 0 : (double) (step - warmup) / (total - warmup);
        return switch (decay) {
            case "cosine" -> base * 0.5 * (1 + Math.cos(Math.PI * progress));
            case "linear" -> base * (1 - progress);
            default -> base;
        };
    }
}
