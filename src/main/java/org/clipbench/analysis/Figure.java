package org.clipbench.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One chart, described once and drawn twice: by {@link FigureWriter} as SVG and PNG (XChart) for papers,
 * and as a plotly.js figure in the HTML report. Kinds: LINE and SCATTER (numeric x, optional band per
 * series, optional loss surface drawn as contours behind), DOTS (a comparison: categories on x, per series
 * one point with its interval, which is required) and HEATMAP (categories on both axes, one value per cell).
 * A figure with more than {@link #MAX_SERIES_PER_AXES} series is drawn as small multiples: see {@link #panels()}.
 */
public final class Figure {
    public enum Kind { LINE, SCATTER, DOTS, HEATMAP }

    /** More series than this in one axes are drawn as small multiples with shared axes. */
    public static final int MAX_SERIES_PER_AXES = 8;

    /**
     * A named series; lower/upper (may be null) draw a shaded band, e.g. the inter-quartile range over
     * seeds, or a DOTS point's interval; markersOnly draws points without a line (the "not at steady
     * state" crosses); panel (may be null) names the small multiple it is drawn in (null: in every panel).
     */
    public record Series(String name, double[] x, double[] y, double[] lower, double[] upper, boolean dashed, boolean markersOnly, String panel) {
        public Series(String name, double[] x, double[] y, double[] lower, double[] upper, boolean dashed) {
            this(name, x, y, lower, upper, dashed, false, null);
        }

        public Series(String name, double[] x, double[] y, double[] lower, double[] upper, boolean dashed, boolean markersOnly) {
            this(name, x, y, lower, upper, dashed, markersOnly, null);
        }

        /** The same series, drawn in the named panel. */
        public Series inPanel(String panelName) {
            return new Series(name, x, y, lower, upper, dashed, markersOnly, panelName);
        }

        Series named(String newName) {
            return new Series(newName, x, y, lower, upper, dashed, markersOnly, panel);
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
    private double[] xRange, yRange;
    private final List<Series> series = new ArrayList<>();
    private List<String> categories = List.of();
    private List<String> yCategories = List.of();
    private double[][] z;
    private Surface surface;

    /** A function of (x, y) drawn behind the series as contour lines, e.g. a loss surface with a path over it. */
    public record Surface(String label, double[] x, double[] y, double[][] z) {
        public Surface {
            if (z.length != y.length) throw new IllegalArgumentException("surface " + label + ": one z row per y");
            for (double[] row : z) if (row.length != x.length) throw new IllegalArgumentException("surface " + label + ": one z column per x");
        }
    }

    private Figure(String id, Kind kind) {
        id = id.toLowerCase(java.util.Locale.ROOT);
        if (!id.matches("[a-z0-9][a-z0-9_-]*")) throw new IllegalArgumentException("figure id '" + id + "' must be lower-case letters, digits, - or _");
        this.id = id;
        this.kind = kind;
    }

    public static Figure line(String id) { return new Figure(id, Kind.LINE); }

    public static Figure scatter(String id) { return new Figure(id, Kind.SCATTER); }

    /** A comparison over categories: add each series with {@link #estimates}, its interval included. */
    public static Figure dots(String id, List<String> categories) {
        Figure f = new Figure(id, Kind.DOTS);
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
    /** Fixed axis limits (data outside is clipped), e.g. a zoom on one region of a surface. */
    public Figure range(double xMin, double xMax, double yMin, double yMax) {
        xRange = new double[] {xMin, xMax};
        yRange = new double[] {yMin, yMax};
        return this;
    }
    /** Fixed limits of the value axis (y; on a comparison, the axis of the estimates), e.g. [0, 1] for a fraction. */
    public Figure valueRange(double min, double max) {
        yRange = new double[] {min, max};
        return this;
    }
    public double[] xRange() { return xRange == null ? null : xRange.clone(); }
    public double[] yRange() { return yRange == null ? null : yRange.clone(); }

    public Figure add(String name, double[] x, double[] y) { return add(new Series(name, x, y, null, null, false)); }

    public Figure add(Series s) {
        if (kind == Kind.HEATMAP) throw new IllegalStateException("a heatmap has no series");
        if (kind == Kind.DOTS && s.y().length != categories.size()) throw new IllegalArgumentException("series " + s.name() + ": one value per category");
        if (kind == Kind.DOTS && s.lower() == null && !s.markersOnly()) {
            throw new IllegalArgumentException("comparison " + id + ", series " + s.name() + ": a point needs its interval");
        }
        series.add(s);
        return this;
    }

    /** A comparison series: per category an estimate and its interval (NaN = no point). */
    public Figure estimates(String name, double[] values, double[] lower, double[] upper) {
        double[] x = new double[values.length];
        for (int i = 0; i < x.length; i++) x[i] = i;
        return add(new Series(name, x, values, lower, upper, false));
    }

    /** Draws z over the x-y plane behind the series, as contour lines (LINE and SCATTER only). */
    public Figure surface(Surface s) {
        if (kind != Kind.LINE && kind != Kind.SCATTER) throw new IllegalStateException("only a line or scatter figure has a surface");
        surface = s;
        return this;
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
    public Surface surface() { return surface; }

    /**
     * The series by the axes they are drawn in, in order of first appearance. Series that name a panel go
     * to it (series without one go to every panel); a figure with more than {@link #MAX_SERIES_PER_AXES}
     * series and no panels is faceted by the part after " @ " when every series has one ("zclip @ lr 1"
     * is drawn as zclip in the panel "lr 1"), else split into panels of at most that many series.
     * One entry with key "" when the figure is a single axes.
     */
    public java.util.LinkedHashMap<String, List<Series>> panels() {
        java.util.LinkedHashMap<String, List<Series>> out = new java.util.LinkedHashMap<>();
        List<Series> legend = series.stream().filter(s -> !s.markersOnly()).toList();
        boolean named = series.stream().anyMatch(s -> s.panel() != null);
        if (!named && legend.size() <= MAX_SERIES_PER_AXES) {
            out.put("", List.copyOf(series));
            return out;
        }
        List<Series> placed = named ? series : facet(legend);
        for (Series s : placed) if (s.panel() != null) out.computeIfAbsent(s.panel(), k -> new ArrayList<>());
        for (Series s : series) {
            if (s.panel() == null && (named || s.markersOnly())) out.values().forEach(l -> l.add(s));
        }
        for (Series s : placed) if (s.panel() != null) out.get(s.panel()).add(s);
        return out;
    }

    private static List<Series> facet(List<Series> legend) {
        List<Series> out = new ArrayList<>();
        if (legend.stream().allMatch(s -> s.name().contains(" @ "))) {
            for (Series s : legend) {
                int at = s.name().indexOf(" @ ");
                out.add(s.named(s.name().substring(0, at)).inPanel(s.name().substring(at + 3)));
            }
            long biggest = out.stream().collect(java.util.stream.Collectors.groupingBy(Series::panel, java.util.stream.Collectors.counting()))
                    .values().stream().mapToLong(Long::longValue).max().orElse(0);
            if (biggest <= MAX_SERIES_PER_AXES) return out;
            out.clear();
        }
        int panels = (legend.size() + MAX_SERIES_PER_AXES - 1) / MAX_SERIES_PER_AXES;
        int per = (legend.size() + panels - 1) / panels; // even panels: 9 series are 5 + 4, not 8 + 1
        for (int i = 0; i < legend.size(); i++) out.add(legend.get(i).inPanel("part " + (i / per + 1) + " of " + panels));
        return out;
    }

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
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || kind == Kind.DOTS || x > 0) && (!logY || y > 0);
    }
}
