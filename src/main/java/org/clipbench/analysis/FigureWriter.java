package org.clipbench.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.clipbench.io.AtomicFiles;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link Figure}: SVG and PNG files with XChart, and the plotly.js JSON the HTML report embeds.
 * Both read the same description: the same panels ({@link Figure#panels()}, shared axes), the same colours
 * ({@link Palette}), the same intervals.
 */
public final class FigureWriter {
    private FigureWriter() {
    }

    static {
        System.setProperty("java.awt.headless", "true"); // servers and CI have no display
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 900, HEIGHT = 560, PANEL_WIDTH = 600, PANEL_HEIGHT = 420, TITLE_HEIGHT = 40;
    private static final Color CONTOUR = new Color(0x9A9A9A);

    /** Writes id.svg and id.png into dir (atomically); returns both paths. */
    public static List<Path> write(Figure f, Path dir) throws IOException {
        Canvas canvas = canvas(f);
        VectorGraphics2D vg = new VectorGraphics2D();
        canvas.paint(vg);
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        new SVGProcessor().getDocument(vg.getCommands(), new PageSize(0, 0, canvas.width(), canvas.height())).writeTo(svg);
        BufferedImage image = new BufferedImage(canvas.width(), canvas.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        canvas.paint(g);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        Path svgFile = dir.resolve(f.id() + ".svg"), pngFile = dir.resolve(f.id() + ".png");
        AtomicFiles.write(svgFile, svg.toByteArray());
        AtomicFiles.write(pngFile, png.toByteArray());
        return List.of(svgFile, pngFile);
    }

    /** One axes, and for a comparison the category names to write beside its rows (XChart has no category y axis). */
    record Panel(Chart<?, ?> chart, List<String> categories) {
        void paint(Graphics2D g, int width, int height) {
            if (categories.isEmpty()) {
                chart.paint(g, width, height);
                return;
            }
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            int labels = 12 + categories.stream().mapToInt(k -> g.getFontMetrics(font).stringWidth(k)).max().orElse(0);
            Graphics2D plot = (Graphics2D) g.create(labels, 0, width - labels, height);
            chart.paint(plot, width - labels, height);
            plot.dispose();
            g.setColor(Color.BLACK);
            g.setFont(font);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int n = categories.size();
            for (int i = 0; i < n; i++) {
                // row i sits at y = n-1-i (the first category on top); the screen position is known once the chart is painted
                int y = (int) Math.round(chart.getScreenYFromChart(n - 1 - i)) + g.getFontMetrics(font).getAscent() / 2 - 1;
                g.drawString(categories.get(i), labels - 6 - g.getFontMetrics(font).stringWidth(categories.get(i)), y);
            }
        }
    }

    /** What is painted: one panel, or small multiples under the figure's title. */
    record Canvas(String title, List<Panel> panels, int columns, int width, int height) {
        void paint(Graphics2D g) {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            if (panels.size() == 1) {
                panels.get(0).paint(g, width, height);
                return;
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 12, 26);
            for (int i = 0; i < panels.size(); i++) {
                Graphics2D panel = (Graphics2D) g.create((i % columns) * PANEL_WIDTH, TITLE_HEIGHT + (i / columns) * PANEL_HEIGHT,
                        PANEL_WIDTH, PANEL_HEIGHT);
                panels.get(i).paint(panel, PANEL_WIDTH, PANEL_HEIGHT);
                panel.dispose();
            }
        }
    }

    static Canvas canvas(Figure f) {
        List<String> categories = f.kind() == Figure.Kind.DOTS ? f.categories() : List.of();
        if (f.kind() == Figure.Kind.HEATMAP) return new Canvas(f.title(), List.of(new Panel(heat(f), List.of())), 1, WIDTH, HEIGHT);
        LinkedHashMap<String, List<Figure.Series>> panels = f.panels();
        if (panels.size() == 1) {
            int height = Math.max(HEIGHT, 140 + 34 * categories.size()); // a comparison grows with its rows
            return new Canvas(f.title(), List.of(new Panel(xy(f, f.series(), f.title(), WIDTH, height, null), categories)), 1, WIDTH, height);
        }
        double[][] shared = sharedRanges(f, panels.values());
        List<Panel> charts = new ArrayList<>();
        for (var p : panels.entrySet()) {
            XYChart panel = xy(f, p.getValue(), p.getKey(), PANEL_WIDTH, PANEL_HEIGHT, shared);
            panel.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // a side legend would take a third of a small panel
            charts.add(new Panel(panel, categories));
        }
        int columns = columns(charts.size());
        int rows = (charts.size() + columns - 1) / columns;
        return new Canvas(f.title(), charts, columns, columns * PANEL_WIDTH, TITLE_HEIGHT + rows * PANEL_HEIGHT);
    }

    static int columns(int panels) {
        return panels <= 2 ? panels : panels <= 4 ? 2 : 3;
    }

    /** One x and one y range over every panel's drawable points and intervals, so small multiples compare by eye. */
    static double[][] sharedRanges(Figure f, java.util.Collection<List<Figure.Series>> panels) {
        double[] x = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, y = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (List<Figure.Series> panel : panels) {
            for (Figure.Series s : panel) {
                for (int k = 0; k < s.x().length; k++) {
                    double[] values = s.lower() == null ? new double[] {s.y()[k]} : new double[] {s.y()[k], s.lower()[k], s.upper()[k]};
                    for (double v : values) {
                        if (!f.drawable(s.x()[k], v)) continue;
                        x[0] = Math.min(x[0], s.x()[k]);
                        x[1] = Math.max(x[1], s.x()[k]);
                        y[0] = Math.min(y[0], v);
                        y[1] = Math.max(y[1], v);
                    }
                }
            }
        }
        if (f.xRange() != null) x = f.xRange();
        if (f.yRange() != null) y = f.yRange();
        if (!(x[0] < x[1]) || !(y[0] < y[1]) || f.kind() == Figure.Kind.DOTS) return null; // one point, or categories: the chart chooses
        return new double[][] {x, y};
    }

    /** The colour of a series: black for the not-at-steady-state crosses, else the palette's. */
    static Color color(Figure.Series s) {
        return s.markersOnly() ? Color.BLACK : Palette.colorOf(s.name());
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
    }

    private static XYChart xy(Figure f, List<Figure.Series> series, String title, int width, int height, double[][] shared) {
        boolean dots = f.kind() == Figure.Kind.DOTS; // drawn sideways: values on x, categories down the y axis, where long names fit
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(dots ? f.yLabel() : f.xLabel())
                .yAxisTitle(dots ? f.xLabel() : f.yLabel()).build();
        style(c.getStyler());
        c.getStyler().setXAxisLogarithmic(dots ? f.isLogY() : f.isLogX());
        c.getStyler().setYAxisLogarithmic(!dots && f.isLogY());
        c.getStyler().setPlotGridLinesColor(new Color(0xDDDDDD));
        c.getStyler().setMarkerSize(f.kind() == Figure.Kind.LINE ? 4 : 7);
        double[][] range = shared != null ? shared : new double[][] {f.xRange(), f.yRange()};
        if (range[0] != null && !dots) c.getStyler().setXAxisMin(range[0][0]).setXAxisMax(range[0][1]);
        if (range[1] != null && !dots) c.getStyler().setYAxisMin(range[1][0]).setYAxisMax(range[1][1]);
        if (range[1] != null && dots) c.getStyler().setXAxisMin(range[1][0]).setXAxisMax(range[1][1]);
        if (f.surface() != null) contours(c, f.surface());
        if (f.kind() == Figure.Kind.DOTS) categoryAxis(c, f.categories());
        List<Figure.Series> legend = series.stream().filter(s -> !s.markersOnly()).toList();
        Map<Color, Integer> used = new HashMap<>();
        for (Figure.Series s : series) {
            Color col = color(s);
            // two names that share a colour (variants of one family) in one axes: the later ones are dashed
            boolean clash = !s.markersOnly() && used.merge(col, 1, Integer::sum) > 1;
            if (f.kind() == Figure.Kind.DOTS) {
                dots(c, s, col, legend.indexOf(s), legend.size());
                continue;
            }
            if (s.lower() != null) band(f, c, s, col);
            List<Double> px = new ArrayList<>(), py = new ArrayList<>();
            for (int k = 0; k < s.x().length; k++) addIf(f, px, py, s.x()[k], s.y()[k]);
            if (px.isEmpty()) continue;
            XYSeries line = c.addSeries(s.name(), px, py);
            line.setLineColor(col);
            line.setMarkerColor(col);
            if (f.kind() == Figure.Kind.SCATTER || s.markersOnly()) {
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                if (s.markersOnly()) line.setMarker(SeriesMarkers.CROSS);
            } else {
                line.setMarker(px.size() > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
                line.setLineStyle(s.dashed() || clash ? SeriesLines.DASH_DASH : new BasicStroke(2f));
            }
        }
        return c;
    }

    /** The band as one closed polygon: along the lower bound, back along the upper. */
    private static void band(Figure f, XYChart c, Figure.Series s, Color col) {
        List<Double> bx = new ArrayList<>(), by = new ArrayList<>();
        for (int k = 0; k < s.x().length; k++) addIf(f, bx, by, s.x()[k], s.lower()[k]);
        for (int k = s.x().length - 1; k >= 0; k--) addIf(f, bx, by, s.x()[k], s.upper()[k]);
        if (bx.size() < 3) return;
        XYSeries band = c.addSeries(s.name() + " band", bx, by);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 50));
        band.setLineColor(new Color(0, 0, 0, 0));
        band.setMarker(SeriesMarkers.NONE);
        band.setShowInLegend(false);
    }

    private static void addIf(Figure f, List<Double> xs, List<Double> ys, double x, double y) {
        if (f.drawable(x, y)) {
            xs.add(x);
            ys.add(y);
        }
    }

    /** Categories at y = n-1, ..., 0 (the first at the top); their names are written by {@link Panel}, not as ticks. */
    private static void categoryAxis(XYChart c, List<String> categories) {
        c.getStyler().setYAxisMin(-0.5).setYAxisMax(categories.size() - 0.5);
        c.getStyler().setYAxisTicksVisible(false);
        c.getStyler().setYAxisTitleVisible(false);
    }

    /** Each series a little off its category's line, so the intervals of one category don't overlap. */
    static double dodge(int index, int count) {
        return count <= 1 ? 0 : ((count - 1) / 2.0 - index) * Math.min(0.6 / count, 0.15);
    }

    private static void dots(XYChart c, Figure.Series s, Color col, int index, int count) {
        boolean log = c.getStyler().isXAxisLogarithmic();
        int n = s.y().length;
        List<Double> px = new ArrayList<>(), py = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double at = n - 1 - k + dodge(Math.max(index, 0), count);
            double v = s.y()[k];
            if (!Double.isFinite(v) || (log && v <= 0)) continue;
            px.add(v);
            py.add(at);
            if (s.lower() == null || !Double.isFinite(s.lower()[k]) || !Double.isFinite(s.upper()[k])) continue;
            double lo = log && s.lower()[k] <= 0 ? v * 1e-3 : s.lower()[k]; // a log axis has no 0: the whisker runs off the axis
            XYSeries whisker = c.addSeries(s.name() + " interval " + k, new double[] {lo, s.upper()[k]}, new double[] {at, at});
            whisker.setLineColor(col);
            whisker.setLineStyle(new BasicStroke(1.6f));
            whisker.setMarker(SeriesMarkers.NONE);
            whisker.setShowInLegend(false);
        }
        if (px.isEmpty()) return;
        XYSeries points = c.addSeries(s.name(), px, py);
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(s.markersOnly() ? SeriesMarkers.CROSS : SeriesMarkers.CIRCLE);
        points.setMarkerColor(col);
    }

    /** Contour lines of the surface (marching squares), grey, one legend entry for all levels. */
    private static void contours(XYChart c, Figure.Surface s) {
        boolean first = true;
        for (double level : Contours.levels(s.z(), Contours.LEVELS)) {
            double[][] segments = Contours.segments(s.x(), s.y(), s.z(), level);
            if (segments[0].length == 0) continue;
            XYSeries line = c.addSeries(first ? s.label() : s.label() + " " + level, segments[0], segments[1]);
            line.setLineColor(CONTOUR);
            line.setLineStyle(new BasicStroke(0.8f));
            line.setMarker(SeriesMarkers.NONE);
            line.setShowInLegend(first);
            first = false;
        }
    }

    private static HeatMapChart heat(Figure f) {
        HeatMapChart c = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(f.title()).xAxisTitle(f.xLabel()).yAxisTitle(f.yLabel()).build();
        style(c.getStyler());
        c.getStyler().setShowValue(true);
        c.getStyler().setHeatMapValueDecimalPattern("0.##E0");
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<Number[]> cells = new ArrayList<>();
        double[][] z = f.z();
        for (int r = 0; r < z.length; r++) {
            for (int col = 0; col < z[r].length; col++) if (Double.isFinite(z[r][col])) cells.add(new Number[] {col, r, z[r][col]});
        }
        c.addSeries(f.title().isEmpty() ? f.id() : f.title(), f.categories(), f.yCategories(), cells);
        return c;
    }

    /** The figure as plotly.js {data, layout} (plotly 2.x). Non-finite values become null (gaps). */
    public static ObjectNode plotly(Figure f) {
        ObjectNode fig = JSON.createObjectNode();
        ArrayNode data = fig.putArray("data");
        ObjectNode layout = fig.putObject("layout");
        layout.putObject("title").put("text", f.title());
        layout.putObject("margin").put("t", 50);
        if (f.kind() == Figure.Kind.HEATMAP) {
            axes(f, layout, "", "");
            layout.put("height", 480);
            heatmapTrace(f, data);
            return fig;
        }
        LinkedHashMap<String, List<Figure.Series>> panels = f.panels();
        int n = panels.size(), columns = Math.max(1, columns(n)), rows = (n + columns - 1) / columns;
        layout.put("height", n == 1 ? 480 : 60 + 340 * rows);
        if (n > 1) {
            layout.putObject("grid").put("rows", rows).put("columns", columns).put("pattern", "independent");
        }
        ArrayNode annotations = layout.putArray("annotations");
        java.util.Set<String> inLegend = new java.util.HashSet<>();
        int k = 0;
        for (var p : panels.entrySet()) {
            String suffix = k == 0 ? "" : String.valueOf(k + 1);
            ObjectNode[] ax = axes(f, layout, suffix, k == 0 ? "" : "x");
            if (n > 1) {
                annotations.addObject().put("text", "<b>" + p.getKey() + "</b>").put("showarrow", false)
                        .put("xref", "x" + suffix + " domain").put("yref", "y" + suffix + " domain").put("x", 0.5).put("y", 1.08);
                if (k > 0) ax[1].put("matches", "y"); // shared axes: every panel compares by eye
            }
            if (f.surface() != null) data.add(contourTrace(f.surface(), suffix, k == 0));
            for (Figure.Series s : p.getValue()) {
                for (ObjectNode t : traces(f, s, p.getValue())) {
                    t.put("xaxis", "x" + suffix).put("yaxis", "y" + suffix).put("legendgroup", s.name());
                    if (!t.has("showlegend")) t.put("showlegend", inLegend.add(s.name()));
                    data.add(t);
                }
            }
            k++;
        }
        if (f.kind() == Figure.Kind.DOTS) layout.put("scattermode", "group").put("scattergap", 0.6);
        return fig;
    }

    /** The x and y axis objects of one panel ("" = the first); x axes of later panels match the first. */
    private static ObjectNode[] axes(Figure f, ObjectNode layout, String suffix, String matchX) {
        ObjectNode xa = layout.putObject("xaxis" + suffix), ya = layout.putObject("yaxis" + suffix);
        boolean dots = f.kind() == Figure.Kind.DOTS; // sideways, as in the SVG: values on x, categories on y, the first at the top
        xa.putObject("title").put("text", dots ? f.yLabel() : f.xLabel());
        ya.putObject("title").put("text", dots ? f.xLabel() : f.yLabel());
        if (!matchX.isEmpty()) xa.put("matches", matchX);
        boolean numericX = f.kind() == Figure.Kind.LINE || f.kind() == Figure.Kind.SCATTER;
        if (f.isLogX() && numericX) xa.put("type", "log");
        if (f.isLogY() && f.kind() != Figure.Kind.HEATMAP) (dots ? xa : ya).put("type", "log");
        if (dots) ya.put("autorange", "reversed").put("automargin", true);
        if (f.xRange() != null && !dots) range(xa, f.xRange(), f.isLogX());
        if (f.yRange() != null) range(dots ? xa : ya, f.yRange(), f.isLogY());
        return new ObjectNode[] {xa, ya};
    }

    private static void range(ObjectNode axis, double[] r, boolean log) {
        ArrayNode a = axis.putArray("range");
        a.add(log ? Math.log10(r[0]) : r[0]);
        a.add(log ? Math.log10(r[1]) : r[1]);
    }

    private static void heatmapTrace(Figure f, ArrayNode data) {
        ObjectNode t = data.addObject().put("type", "heatmap").put("colorscale", "Viridis");
        f.categories().forEach(t.putArray("x")::add);
        f.yCategories().forEach(t.putArray("y")::add);
        ArrayNode z = t.putArray("z");
        for (double[] row : f.z()) {
            ArrayNode zr = z.addArray();
            for (double v : row) put(zr, v);
        }
        ArrayNode text = t.putArray("text");
        for (double[] row : f.z()) {
            ArrayNode tr = text.addArray();
            for (double v : row) tr.add(Double.isFinite(v) ? String.format("%.3g", v) : "");
        }
        t.put("texttemplate", "%{text}");
    }

    private static ObjectNode contourTrace(Figure.Surface s, String suffix, boolean withScale) {
        ObjectNode t = JSON.createObjectNode().put("type", "contour").put("name", s.label()).put("colorscale", "Greys")
                .put("reversescale", true).put("opacity", 0.55).put("showscale", withScale).put("ncontours", Contours.LEVELS)
                .put("xaxis", "x" + suffix).put("yaxis", "y" + suffix).put("showlegend", false).put("hoverinfo", "skip");
        t.putObject("colorbar").putObject("title").put("text", s.label());
        for (double v : s.x()) put(t.withArray("x"), v);
        for (double v : s.y()) put(t.withArray("y"), v);
        ArrayNode z = t.putArray("z");
        for (double[] row : s.z()) {
            ArrayNode zr = z.addArray();
            for (double v : row) put(zr, v);
        }
        return t;
    }

    /** The traces of one series: the band (two traces) and the line, or the points with their intervals. */
    private static List<ObjectNode> traces(Figure f, Figure.Series s, List<Figure.Series> panel) {
        List<ObjectNode> out = new ArrayList<>();
        String col = Palette.hex(color(s));
        boolean clash = !s.markersOnly() && panel.stream().filter(o -> !o.markersOnly()).takeWhile(o -> o != s)
                .anyMatch(o -> Palette.hex(color(o)).equals(col));
        if (f.kind() == Figure.Kind.DOTS) {
            ObjectNode t = JSON.createObjectNode().put("type", "scatter").put("mode", "markers").put("name", s.name()).put("orientation", "h");
            t.putObject("marker").put("color", col).put("size", 9).put("symbol", s.markersOnly() ? "x" : "circle");
            f.categories().forEach(t.putArray("y")::add);
            ArrayNode x = t.putArray("x");
            for (double v : s.y()) put(x, v);
            if (s.lower() != null) {
                ObjectNode err = t.putObject("error_x").put("type", "data").put("symmetric", false).put("color", col).put("thickness", 1.6);
                ArrayNode plus = err.putArray("array"), minus = err.putArray("arrayminus");
                for (int i = 0; i < s.y().length; i++) {
                    put(plus, s.upper()[i] - s.y()[i]);
                    put(minus, s.y()[i] - s.lower()[i]);
                }
            }
            out.add(t);
            return out;
        }
        if (s.lower() != null) {
            ObjectNode lo = JSON.createObjectNode().put("type", "scatter").put("mode", "lines").put("showlegend", false)
                    .put("hoverinfo", "skip").put("name", s.name() + " lower");
            lo.putObject("line").put("width", 0).put("color", col);
            xyArrays(lo, s.x(), s.lower());
            ObjectNode hi = JSON.createObjectNode().put("type", "scatter").put("mode", "lines").put("showlegend", false)
                    .put("fill", "tonexty").put("fillcolor", col + "33").put("hoverinfo", "skip").put("name", s.name() + " upper");
            hi.putObject("line").put("width", 0).put("color", col);
            xyArrays(hi, s.x(), s.upper());
            out.add(lo);
            out.add(hi);
        }
        boolean scatter = f.kind() == Figure.Kind.SCATTER || s.markersOnly();
        ObjectNode t = JSON.createObjectNode().put("type", "scatter").put("name", s.name())
                .put("mode", scatter ? "markers" : (s.x().length > 30 ? "lines" : "lines+markers"));
        t.putObject("line").put("color", col).put("dash", s.dashed() || clash ? "dash" : "solid");
        ObjectNode marker = t.putObject("marker").put("color", col);
        if (s.markersOnly()) marker.put("symbol", "x").put("size", 11);
        xyArrays(t, s.x(), s.y());
        out.add(t);
        return out;
    }

    private static void xyArrays(ObjectNode t, double[] x, double[] y) {
        ArrayNode xs = t.putArray("x"), ys = t.putArray("y");
        for (int i = 0; i < x.length; i++) {
            put(xs, x[i]);
            put(ys, y[i]);
        }
    }

    private static void put(ArrayNode a, double v) {
        if (Double.isFinite(v)) a.add(v);
        else a.addNull();
    }
}
