package org.clipbench.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clipbench.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws a {@link Figure}: SVG and PNG files with XChart, and the plotly.js JSON the HTML report embeds. */
public final class FigureWriter {
    private FigureWriter() {
    }

    static {
        System.setProperty("java.awt.headless", "true"); // servers and CI have no display
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 900, HEIGHT = 560;
    // Okabe-Ito: distinguishable with the common colour-vision deficiencies
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442), new Color(0x999999)};

    /** Writes id.svg and id.png into dir (atomically); returns both paths. */
    public static List<Path> write(Figure f, Path dir) throws IOException {
        Chart<?, ?> chart = toXChart(f);
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        Path svgFile = dir.resolve(f.id() + ".svg"), pngFile = dir.resolve(f.id() + ".png");
        AtomicFiles.write(svgFile, svg.toByteArray());
        AtomicFiles.write(pngFile, png);
        return List.of(svgFile, pngFile);
    }

    /**
     * One colour per backend and peer in every figure (vector is the same vermillion everywhere), and
     * for the copy roofline; other series take the palette in order.
     */
    static final java.util.Map<String, Color> FIXED = java.util.Map.of(
            "arrays", PALETTE[0], "vector", PALETTE[1], "ejml", PALETTE[2], "commons-math", PALETTE[3], "nd4j", PALETTE[4],
            "pytorch", PALETTE[6], "copy (roofline)", PALETTE[8]);

    static Color color(String series, int i) {
        Color fixed = FIXED.get(series);
        if (fixed == null) fixed = FIXED.get(series.split(" ", 2)[0]); // "vector f32" is drawn in vector's colour
        return fixed != null ? fixed : PALETTE[i % PALETTE.length];
    }

    static Chart<?, ?> toXChart(Figure f) {
        return switch (f.kind()) {
            case LINE, SCATTER -> xy(f);
            case BAR -> bar(f);
            case HEATMAP -> heat(f);
        };
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
    }

    private static XYChart xy(Figure f) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(f.title()).xAxisTitle(f.xLabel()).yAxisTitle(f.yLabel()).build();
        style(c.getStyler());
        c.getStyler().setXAxisLogarithmic(f.isLogX());
        c.getStyler().setYAxisLogarithmic(f.isLogY());
        c.getStyler().setPlotGridLinesColor(new Color(0xDDDDDD));
        c.getStyler().setMarkerSize(f.kind() == Figure.Kind.SCATTER ? 7 : 4);
        int i = 0;
        for (Figure.Series s : f.series()) {
            Color col = s.markersOnly() ? Color.BLACK : color(s.name(), i++);
            if (s.lower() != null) {
                // the band as one closed polygon: along the lower bound, back along the upper
                List<Double> bx = new ArrayList<>(), by = new ArrayList<>();
                for (int k = 0; k < s.x().length; k++) addIf(f, bx, by, s.x()[k], s.lower()[k]);
                for (int k = s.x().length - 1; k >= 0; k--) addIf(f, bx, by, s.x()[k], s.upper()[k]);
                if (bx.size() >= 3) {
                    XYSeries band = c.addSeries(s.name() + " band", bx, by);
                    band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                    band.setFillColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 50));
                    band.setLineColor(new Color(0, 0, 0, 0));
                    band.setMarker(SeriesMarkers.NONE);
                    band.setShowInLegend(false);
                }
            }
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
                line.setLineStyle(s.dashed() ? SeriesLines.DASH_DASH : new BasicStroke(2f));
            }
        }
        return c;
    }

    private static void addIf(Figure f, List<Double> xs, List<Double> ys, double x, double y) {
        if (f.drawable(x, y)) {
            xs.add(x);
            ys.add(y);
        }
    }

    private static CategoryChart bar(Figure f) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(f.title()).xAxisTitle(f.xLabel()).yAxisTitle(f.yLabel()).build();
        style(c.getStyler());
        c.getStyler().setYAxisLogarithmic(f.isLogY());
        c.getStyler().setXAxisLabelRotation(f.categories().size() > 6 ? 45 : 0);
        int i = 0;
        for (Figure.Series s : f.series()) {
            List<Number> ys = new ArrayList<>();
            // XChart has no gap value for bars: a missing bar is drawn as 0 (or the axis floor on a log axis)
            for (double v : s.y()) ys.add(Double.isFinite(v) && (!f.isLogY() || v > 0) ? v : (f.isLogY() ? Double.NaN : 0.0));
            c.addSeries(s.name(), f.categories(), ys).setFillColor(color(s.name(), i++));
        }
        return c;
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
        ObjectNode xa = layout.putObject("xaxis"), ya = layout.putObject("yaxis");
        xa.putObject("title").put("text", f.xLabel());
        ya.putObject("title").put("text", f.yLabel());
        if (f.isLogX() && f.kind() != Figure.Kind.BAR && f.kind() != Figure.Kind.HEATMAP) xa.put("type", "log");
        if (f.isLogY() && f.kind() != Figure.Kind.HEATMAP) ya.put("type", "log");
        layout.put("height", 480);
        layout.putObject("margin").put("t", 50);
        switch (f.kind()) {
            case HEATMAP -> {
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
            case BAR -> {
                layout.put("barmode", "group");
                int i = 0;
                for (Figure.Series s : f.series()) {
                    ObjectNode t = data.addObject().put("type", "bar").put("name", s.name());
                    t.putObject("marker").put("color", hex(color(s.name(), i++)));
                    f.categories().forEach(t.putArray("x")::add);
                    ArrayNode y = t.putArray("y");
                    for (double v : s.y()) put(y, v);
                }
            }
            default -> {
                int i = 0;
                for (Figure.Series s : f.series()) {
                    String col = s.markersOnly() ? "#000000" : hex(color(s.name(), i++));
                    if (s.lower() != null) {
                        ObjectNode lo = data.addObject().put("type", "scatter").put("mode", "lines").put("showlegend", false)
                                .put("hoverinfo", "skip").put("name", s.name() + " lower");
                        lo.putObject("line").put("width", 0).put("color", col);
                        xyArrays(lo, s.x(), s.lower());
                        ObjectNode hi = data.addObject().put("type", "scatter").put("mode", "lines").put("showlegend", false)
                                .put("fill", "tonexty").put("fillcolor", col + "33").put("hoverinfo", "skip").put("name", s.name() + " upper");
                        hi.putObject("line").put("width", 0).put("color", col);
                        xyArrays(hi, s.x(), s.upper());
                    }
                    boolean scatter = f.kind() == Figure.Kind.SCATTER || s.markersOnly();
                    ObjectNode t = data.addObject().put("type", "scatter").put("name", s.name())
                            .put("mode", scatter ? "markers" : (s.x().length > 30 ? "lines" : "lines+markers"));
                    t.putObject("line").put("color", col).put("dash", s.dashed() ? "dash" : "solid");
                    ObjectNode marker = t.putObject("marker").put("color", col);
                    if (s.markersOnly()) marker.put("symbol", "x").put("size", 11);
                    xyArrays(t, s.x(), s.y());
                }
            }
        }
        return fig;
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

    private static String hex(Color c) {
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
