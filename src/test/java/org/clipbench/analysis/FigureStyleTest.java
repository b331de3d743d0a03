package org.clipbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.clipbench.backend.Backends;
import org.clipbench.strategy.Strategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One palette for every figure, small multiples for crowded axes, an interval on every comparison point. */
class FigureStyleTest {
    private static final double[] X = {1, 2}, Y = {1, 2};

    @Test
    void aSeriesKeepsItsColourWhateverTheFigureAndItsPosition() {
        Figure a = Figure.line("a").axes("x", "y").add("vector", X, Y).add("pytorch", X, Y).add("global-norm:c=1", X, Y).add("lr 0.1", X, Y);
        Figure b = Figure.line("b").axes("x", "y").add("lr 0.1", X, Y).add("arrays", X, Y).add("global-norm:c=1 @ lr 3", X, Y)
                .add("nd4j", X, Y).add("pytorch", X, Y).add("vector", X, Y).add("global-norm:c=1", X, Y);
        Figure c = Figure.dots("c", List.of("p", "q")).estimates("vector", Y, X, new double[] {3, 4});
        Map<String, String> seen = new HashMap<>();
        for (Figure f : List.of(a, b, c)) {
            for (JsonNode t : FigureWriter.plotly(f).get("data")) {
                String col = t.path("marker").path("color").asText();
                String prev = seen.putIfAbsent(t.get("name").asText(), col);
                if (prev != null) assertThat(col).as(t.get("name").asText() + " in " + f.id()).isEqualTo(prev);
            }
        }
        assertThat(seen).containsKeys("vector", "pytorch", "arrays", "nd4j", "global-norm:c=1", "lr 0.1");
        assertThat(Palette.colorOf("vector f32")).isEqualTo(Palette.colorOf("vector")); // a backend's series by dtype
        assertThat(Palette.colorOf("global-norm:c=1 @ lr 3")).isEqualTo(Palette.colorOf("global-norm:c=1"));
        assertThat(Palette.colorOf("lr 0.1")).isEqualTo(new Color(0xBE0032)); // the hash pick is fixed by String.hashCode's spec
    }

    @Test
    void everyRegisteredBackendAndStrategyFamilyHasItsOwnFixedColour() {
        Set<Color> backends = new HashSet<>(), families = new HashSet<>();
        for (String b : Backends.names()) {
            assertThat(Palette.isFixed(b)).as(b + " has no colour of its own: Palette.BACKEND_POOL is used up; add colours to it").isTrue();
            assertThat(backends.add(Palette.colorOf(b))).as(b + " shares a colour with another backend").isTrue();
        }
        assertThat(backends).doesNotContain(Palette.colorOf("pytorch"), Palette.colorOf("jax"));
        // a peer's series carry its version: the peer's colour, an older major version a lighter shade of it
        assertThat(Palette.colorOf("pytorch 2.13.0")).isEqualTo(Palette.colorOf("pytorch"));
        assertThat(Palette.colorOf("jax 0.10.2")).isEqualTo(Palette.colorOf("jax")).isNotEqualTo(Palette.colorOf("pytorch"));
        assertThat(Palette.colorOf("pytorch 1.13.1")).isNotEqualTo(Palette.colorOf("pytorch 2.13.0"));
        assertThat(Palette.isFixed("jax 0.10.2")).isTrue();
        for (String s : Strategies.names()) {
            assertThat(Palette.isFixed(s)).as(s + " has no colour of its own: Palette.STRATEGY_POOL is used up; add colours to it").isTrue();
            assertThat(families.add(Palette.colorOf(s))).as(s + " shares a colour with another strategy").isTrue();
        }
        java.util.Set<Color> methods = new java.util.HashSet<>();
        for (String m : List.of("non-private", "materialised", "ghost", "book-keeping", "mixed", "within noise")) {
            assertThat(Palette.isFixed(m)).as(m + " needs a colour of its own (the crossover map)").isTrue();
            assertThat(methods.add(Palette.colorOf(m))).as(m + " shares a colour with another clipping method").isTrue();
        }
        assertThat(Palette.isFixed("lr 0.1")).isFalse();
        // variants of a family: its hue, in shades
        Color base = Palette.colorOf("global-norm"), variant = Palette.colorOf("global-norm:c=100,eps=0");
        float[] h1 = Color.RGBtoHSB(base.getRed(), base.getGreen(), base.getBlue(), null);
        float[] h2 = Color.RGBtoHSB(variant.getRed(), variant.getGreen(), variant.getBlue(), null);
        assertThat(Math.abs(h1[0] - h2[0])).isLessThan(0.02f);
    }

    /** Issue 29: the optimizer-step figure drew "measured" and "traffic model" in two hashed greens; a measurement and its models now differ. */
    @Test
    void aMeasurementAndItsModelsHaveDistinctFixedColours() {
        List<String> roles = List.of("measured", "traffic model", "read passes at measured bandwidth");
        assertThat(roles).allMatch(Palette::isFixed);
        assertThat(roles.stream().map(Palette::colorOf).distinct()).hasSize(3);
        assertThat(Palette.colorOf("measured")).isEqualTo(Color.BLACK);
    }

    @Test
    void aCrowdedFigureBecomesSmallMultiplesWithSharedAxes() {
        Figure f = Figure.line("zclip-stability-loss").axes("step", "loss");
        for (String s : List.of("none", "global-norm:c=1", "autoclip:p=10", "zclip")) {
            for (String lr : List.of("0.5", "1", "2", "3")) f.add(s + " @ lr " + lr, X, new double[] {Double.parseDouble(lr), 1});
        }
        var panels = f.panels();
        assertThat(panels).containsOnlyKeys("lr 0.5", "lr 1", "lr 2", "lr 3");
        assertThat(panels.get("lr 2")).extracting(Figure.Series::name).containsExactly("none", "global-norm:c=1", "autoclip:p=10", "zclip");
        JsonNode fig = FigureWriter.plotly(f);
        assertThat(legendSeriesPerAxes(fig).values()).allMatch(n -> n <= Figure.MAX_SERIES_PER_AXES).hasSize(4);
        assertThat(fig.at("/layout/yaxis4/matches").asText()).isEqualTo("y");
        assertThat(fig.at("/layout/xaxis2/matches").asText()).isEqualTo("x");
        double[][] shared = FigureWriter.sharedRanges(f, panels.values());
        assertThat(shared[1]).containsExactly(0.5, 3.0); // one y range over all panels
    }

    @Test
    void manySeriesWithoutAPanelKeyAreSplitEvenly() {
        Figure f = Figure.line("many").axes("x", "y");
        for (int i = 0; i < 9; i++) f.add("s" + i, X, Y);
        assertThat(f.panels().values()).extracting(List::size).containsExactly(5, 4);
        Figure few = Figure.line("few").axes("x", "y");
        for (int i = 0; i < 8; i++) few.add("s" + i, X, Y);
        assertThat(few.panels()).containsOnlyKeys("");
    }

    @Test
    void aComparisonPointWithoutItsIntervalIsRefused() {
        Figure f = Figure.dots("d", List.of("a", "b"));
        assertThatThrownBy(() -> f.add(new Figure.Series("x", new double[] {0, 1}, Y, null, null, false)))
                .hasMessageContaining("a point needs its interval");
        f.estimates("vector", new double[] {1, 2}, new double[] {0.5, 1.5}, new double[] {1.5, 3});
        JsonNode t = FigureWriter.plotly(f).at("/data/0");
        assertThat(t.at("/error_x/array/1").asDouble()).isEqualTo(1.0);
        assertThat(t.at("/error_x/arrayminus/1").asDouble()).isEqualTo(0.5);
    }

    @Test
    void contoursOfAPlaneAreStraightLinesAtTheLevel() {
        double[] x = {0, 1, 2}, y = {0, 1};
        double[][] z = {{0, 1, 2}, {0, 1, 2}}; // z = x
        double[][] seg = Contours.segments(x, y, z, 0.5);
        assertThat(seg[0]).containsExactly(0.5, 0.5, 0.5);
        assertThat(seg[1][0]).isEqualTo(0.0);
        assertThat(seg[1][1]).isEqualTo(1.0);
        assertThat(seg[1][2]).isNaN(); // the gap after each segment
        assertThat(Contours.levels(z, 3)).containsExactly(0.5, 1.0, 1.5);
        assertThat(Contours.levels(new double[][] {{1, 1}}, 3)).isEmpty();
    }

    @Test
    void panelsDotsAndSurfacesAreDrawnToSvgAndPng(@TempDir Path dir) throws Exception {
        Figure panels = Figure.line("panels").title("t").axes("x", "y");
        for (int i = 0; i < 12; i++) panels.add("s" + i + " @ lr " + (i % 3), X, Y);
        Figure dots = Figure.dots("dots", List.of("a", "b")).logY().estimates("ejml", new double[] {1, 10}, new double[] {0.5, 5}, new double[] {2, 20});
        double[][] z = {{0, 1}, {1, 2}};
        Figure surface = Figure.line("surface").axes("w", "b").range(0, 1, 0, 1).surface(new Figure.Surface("log10 loss", new double[] {0, 1},
                new double[] {0, 1}, z)).add("path", new double[] {0.1, 0.9}, new double[] {0.1, 0.9});
        for (Figure f : List.of(panels, dots, surface)) FigureWriter.write(f, dir);
        BufferedImage png = ImageIO.read(dir.resolve("panels.png").toFile());
        assertThat(png.getWidth()).isEqualTo(2 * 600); // 3 panels: two columns
        assertThat(png.getHeight()).isEqualTo(40 + 2 * 420);
        assertThat(Files.readString(dir.resolve("surface.svg"))).contains("<svg");
        assertThat(FigureWriter.plotly(surface).at("/data/0/type").asText()).isEqualTo("contour");
    }

    /** Per axes ("x", "x2", ...), how many named series a reader must tell apart (bands, whiskers and contours excluded). */
    static Map<String, Integer> legendSeriesPerAxes(JsonNode fig) {
        Map<String, Set<String>> names = new HashMap<>();
        for (JsonNode t : fig.get("data")) {
            if (t.path("type").asText().equals("contour") || t.path("hoverinfo").asText().equals("skip")) continue;
            names.computeIfAbsent(t.path("xaxis").asText("x"), k -> new HashSet<>()).add(t.path("name").asText());
        }
        Map<String, Integer> out = new HashMap<>();
        names.forEach((k, v) -> out.put(k, v.size()));
        return out;
    }
}
