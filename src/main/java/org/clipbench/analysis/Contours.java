package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Contour lines of a function sampled on a grid, by marching squares: each grid cell whose corners lie on
 * both sides of a level holds one or two line segments, placed by linear interpolation along its edges.
 * XChart draws no contours, so the SVG/PNG figures get them from here (the HTML report's plotly draws its own).
 */
final class Contours {
    private Contours() {
    }

    static final int LEVELS = 14;

    /** count levels evenly spaced strictly inside the finite range of z (none when z is flat or empty). */
    static double[] levels(double[][] z, int count) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double v : row) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(lo < hi)) return new double[0];
        double[] out = new double[count];
        for (int i = 0; i < count; i++) out[i] = lo + (hi - lo) * (i + 1) / (count + 1);
        return out;
    }

    /**
     * The segments where z crosses level, as x and y arrays with a NaN point after each segment (a gap for
     * the line drawer). z[row][col] is the value at (x[col], y[row]); cells with a non-finite corner are skipped.
     */
    static double[][] segments(double[] x, double[] y, double[][] z, double level) {
        List<double[]> points = new ArrayList<>();
        for (int r = 0; r + 1 < y.length; r++) {
            for (int c = 0; c + 1 < x.length; c++) {
                double[] corner = {z[r][c], z[r][c + 1], z[r + 1][c + 1], z[r + 1][c]};
                double[][] at = {{x[c], y[r]}, {x[c + 1], y[r]}, {x[c + 1], y[r + 1]}, {x[c], y[r + 1]}};
                boolean finite = true;
                for (double v : corner) finite &= Double.isFinite(v);
                if (!finite) continue;
                List<double[]> crossings = new ArrayList<>();
                for (int e = 0; e < 4; e++) {
                    double a = corner[e], b = corner[(e + 1) % 4];
                    if ((a < level) == (b < level)) continue;
                    double t = (level - a) / (b - a);
                    double[] p = at[e], q = at[(e + 1) % 4];
                    crossings.add(new double[] {p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])});
                }
                // 2 crossings: one segment; 4 (a saddle): pair them in edge order, a choice that never crosses lines
                for (int i = 0; i + 1 < crossings.size(); i += 2) {
                    points.add(crossings.get(i));
                    points.add(crossings.get(i + 1));
                    points.add(new double[] {crossings.get(i + 1)[0], Double.NaN});
                }
            }
        }
        double[][] out = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            out[0][i] = points.get(i)[0];
            out[1][i] = points.get(i)[1];
        }
        return out;
    }
}
