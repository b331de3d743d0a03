package org.clipbench;

import java.math.BigDecimal;
import java.math.MathContext;

/** High-precision references for tests. */
public final class Reference {
    private Reference() {
    }

    private static final MathContext MC = new MathContext(50);

    /** Exact sum of squares, square root to 50 digits, rounded to double. NaN/Inf by the norm convention. */
    public static double norm2(double[] x) {
        boolean inf = false;
        BigDecimal s = BigDecimal.ZERO;
        for (double v : x) {
            if (Double.isNaN(v)) return Double.NaN;
            if (Double.isInfinite(v)) {
                inf = true;
                continue;
            }
            BigDecimal b = new BigDecimal(v);
            s = s.add(b.multiply(b));
        }
        if (inf) return Double.POSITIVE_INFINITY;
        return s.sqrt(MC).doubleValue();
    }

    public static double relErr(double actual, double expected) {
        if (expected == 0) return Math.abs(actual);
        return Math.abs(actual - expected) / Math.abs(expected);
    }

    /** Values rounded through float, as an f32 tensor holds them. */
    public static double[] roundToFloat(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) x[i];
        return y;
    }
}
