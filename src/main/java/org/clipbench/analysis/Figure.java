package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One chart, described once and drawn twice: by {@link FigureWriter} as SVG and PNG (XChart) for papers,
 * and as a plotly.js figure in the HTML report. Kinds: LINE and SCATTER (numeric x, optional band per
 * series), BAR (categories on x, one bar per series) and HEATMAP (categories on both axes, one value per cell).
 */
public final class Figure {
    public enum Kind { LINE, SCATTER, BAR, HEATMAP }

    /**
     * A named series; lower/upper (may be null) draw a shaded band, e.g. the inter-quartile range over
     * seeds; markersOnly draws points without a line (the "not at steady state" crosses).
     */
    public record Series(String name, double[] x, double[] y, double[] lower, double[] upper, boolean dashed, boolean markersOnly) {
        public Series(String name, double[] x, double[] y, double[] lower, double[] upper, boolean dashed) {
            this(name, x, y, lower, upper, dashed, false);
        }

        public Series {
            Objects.requireNonNull(name);
            if (x.length != y.length) throw new IllegalArgumentException("series " + name + ": x and y differ in length");
            if ((lower == null) != (upper == null) || (lower != null && (lower.length != y.length || upper.length != y.length))) {
                throw new IllegalArgumentException("series " + name + ": band bounds must both be given, as long as y");
            }
        }
    }

    private final String id;
    private final Kind kind;
    private String title = "", xLabel = "", yLabel = "", caption = "";
    private boolean logX, logY;
    private final List<Series> series = new ArrayList<>();
    private List<String> categories = List.of();
    private List<String> yCategories = List.of();
    private double[][] z;

    private Figure(String id, Kind kind) {
        id = id.toLowerCase(java.util.Locale.ROOT);
        if (!id.matches("[a-z0-9][a-z0-9_-]*")) throw new IllegalArgumentException("figure id '" + id + "' must be lower-case letters, digits, - or _");
        this.id = id;
        this.kind = kind;
    }

    public static Figure line(String id) { return new Figure(id, Kind.LINE); }

    public static Figure scatter(String id) { return new Figure(id, Kind.SCATTER); }

    /** Bars: add series with {@link #bars(String, double[])} after {@link #categories(List)}. */
    public static Figure bar(String id, List<String> categories) {
        Figure f = new Figure(id, Kind.BAR);
        f.categories = List.copyOf(categories);
        return f;
    }

    /** z[row][col]: row = index into yCategories, col = index into xCategories; NaN = no value. */
    public static Figure heatmap(String id, List<String> xCategories, List<String> yCategories, double[][] z) {
        Figure f = new Figure(id, Kind.HEATMAP);
        f.categories = List.copyOf(xCategories);
        f.yCategories = List.copyOf(yCategories);
        if (z.length != yCategories.size()) throw new IllegalArgumentException("heatmap " + id + ": one z row per y category");
        for (double[] row : z) if (row.length != xCategories.size()) throw new IllegalArgumentException("heatmap " + id + ": one z column per x category");
        f.z = z;
        return f;
    }

    public Figure title(String t) { title = t; return this; }
    public Figure axes(String x, String y) { xLabel = x; yLabel = y; return this; }
    public Figure caption(String c) { caption = c; return this; }
    public Figure logX() { logX = true; return this; }
    public Figure logY() { logY = true; return this; }

    public Figure add(String name, double[] x, double[] y) { return add(new Series(name, x, y, null, null, false)); }

    public Figure add(Series s) {
        if (kind == Kind.HEATMAP) throw new IllegalStateException("a heatmap has no series");
        if (kind == Kind.BAR && s.y().length != categories.size()) throw new IllegalArgumentException("bar series " + s.name() + ": one value per category");
        series.add(s);
        return this;
    }

    /** A bar series: one value per category (NaN = no bar). */
    public Figure bars(String name, double[] values) {
        double[] x = new double[values.length];
        for (int i = 0; i < x.length; i++) x[i] = i;
        return add(new Series(name, x, values, null, null, false));
    }

    public String id() { return id; }
    public Kind kind() { return kind; }
    public String title() { return title; }
    public String xLabel() { return xLabel; }
    public String yLabel() { return yLabel; }
    public String caption() { return caption; }
    public boolean isLogX() { return logX; }
    public boolean isLogY() { return logY; }
    public List<Series> series() { return List.copyOf(series); }
    public List<String> categories() { return categories; }
    public List<String> yCategories() { return yCategories; }
    public double[][] z() { return z; }

    /** Whether there is anything to draw (a figure without data is reported, not written). */
    public boolean isEmpty() {
        if (kind == Kind.HEATMAP) {
            for (double[] row : z) for (double v : row) if (Double.isFinite(v)) return false;
            return true;
        }
        for (Series s : series) for (int i = 0; i < s.y().length; i++) if (drawable(s.x()[i], s.y()[i])) return false;
        return true;
    }

    /** A point that can be drawn on this figure's axes (finite, and positive on a log axis). */
    boolean drawable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || kind == Kind.BAR || x > 0) && (!logY || y > 0);
    }
}
