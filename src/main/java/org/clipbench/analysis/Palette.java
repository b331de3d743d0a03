package org.clipbench.analysis;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.clipbench.backend.Backends;
import org.clipbench.strategy.Strategies;

/**
 * The one place that decides a series' colour, so that a thing has the same colour in every figure of
 * every run: a fixed colour per backend, peer and norm kind (Okabe-Ito, safe for the common colour-vision
 * deficiencies), a fixed hue per strategy family (Kelly's colours of maximum contrast), and for any other
 * name a colour picked by its hash ({@link String#hashCode} is specified, so the pick is the same in every
 * JVM). Variants of one strategy family ("global-norm:c=0.1" and "global-norm:c=100") share its hue in a
 * lighter or darker shade chosen from their parameters, so a reader sees the family first.
 *
 * <p>A registered backend or strategy needs no line here: one without a colour below takes the first colour of
 * {@link #BACKEND_POOL} or {@link #STRATEGY_POOL} that no other backend (strategy) has, in registry order, so
 * adding one to {@code Backends} or {@code Strategies} is enough. The colours below are the ones the figures
 * have always had; declare one only to pick it by hand.
 */
public final class Palette {
    private Palette() {
    }

    private static final Map<String, Color> DECLARED_BACKENDS = Map.of(
            "arrays", new Color(0x0072B2), "vector", new Color(0xD55E00), "ejml", new Color(0x009E73),
            "commons-math", new Color(0xCC79A7), "nd4j", new Color(0xE69F00), "pytorch", new Color(0x000000),
            "jax", new Color(0x882255), "copy (roofline)", new Color(0x999999), "cliff", new Color(0xD55E00));

    /**
     * A peer's major versions before its current one ("pytorch 1.13.1" beside "pytorch 2.13.0": Debian's torch beside a user's)
     * take a lighter shade of the peer's colour, so both can be told apart in one figure.
     */
    private static final Map<String, Integer> CURRENT_MAJOR = Map.of("pytorch", 2);

    /** Norm kinds of the safe-norm figures; their own names, so they never borrow a backend's colour. */
    private static final Map<String, Color> NORM_KINDS = Map.of(
            "naive", new Color(0x56B4E9), "library", new Color(0x999999), "safe", new Color(0x0072B2), "fast-safe", new Color(0xD55E00));

    private static final Map<String, Color> DECLARED_STRATEGY_FAMILIES = Map.ofEntries(
            Map.entry("none", new Color(0x444444)), Map.entry("value", new Color(0xBE0032)), Map.entry("per-tensor", new Color(0x875692)),
            Map.entry("per-layer", new Color(0x604E97)), Map.entry("global-norm", new Color(0x0067A5)), Map.entry("renorm", new Color(0x882D17)),
            Map.entry("average-norm", new Color(0xC2B280)), Map.entry("rms-update", new Color(0x8DB600)), Map.entry("agc", new Color(0x008856)),
            Map.entry("autoclip", new Color(0xF38400)), Map.entry("zclip", new Color(0xE68FAC)), Map.entry("adagc", new Color(0xDCD300)), Map.entry("dp-flat", new Color(0x2B3D26)),
            Map.entry("dp-layer", new Color(0x654522)), Map.entry("dp-adaptive", new Color(0xB3446C)),
            Map.entry("normalized", new Color(0x8B4513)), Map.entry("auto-s", new Color(0x4B0082)),
            Map.entry("u-clip", new Color(0x008B8B)), Map.entry("clip21", new Color(0x2F4F4F)),
            Map.entry("dp-auto-s", new Color(0x9932CC)), Map.entry("dp-auto-v", new Color(0x6B8E23)));

    /**
     * Colours a registered backend without a declared one takes, in order: Okabe-Ito's sky blue, then Paul Tol's
     * qualitative colours, none of them a declared backend's or peer's.
     */
    static final List<Color> BACKEND_POOL = List.of(new Color(0x56B4E9), new Color(0x332288), new Color(0x117733), new Color(0x44AA99),
            new Color(0xCC6677), new Color(0xAA4499), new Color(0xDDCC77), new Color(0x88CCEE));

    /** Colours a registered strategy without a declared one takes, in order: Kelly's colours no family has, then Tol's. */
    static final List<Color> STRATEGY_POOL = List.of(new Color(0xE25822), new Color(0xA1CAF1), new Color(0x848482), new Color(0xF99379),
            new Color(0xF6A600), new Color(0xF3C300), new Color(0x332288), new Color(0x117733), new Color(0x44AA99), new Color(0xCC6677),
            new Color(0xAA4499), new Color(0xDDCC77));

    /**
     * The per-example clipping methods (PerExampleClipBenchmark, the crossover map) and the non-private step they are
     * compared with; "within noise" marks a cell of the map whose fastest method is not faster than the next beyond noise.
     */
    private static final Map<String, Color> CLIPPING_METHODS = Map.of("non-private", new Color(0x444444), "materialised", new Color(0xC1272D),
            "ghost", new Color(0x2E8B57), "book-keeping", new Color(0x1F4E9E), "mixed", new Color(0xB8860B), "within noise", new Color(0xBBBBBB));

    /** Any other name (a learning rate, a batch size, a distribution) takes one of these by hash. */
    private static final List<Color> FALLBACK = List.of(new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
            new Color(0xE69F00), new Color(0x56B4E9), new Color(0x882D17), new Color(0x8DB600), new Color(0x604E97), new Color(0xBE0032),
            new Color(0x2B3D26), new Color(0xF38400));

    /** Series that are roles in a figure, not things measured: a measurement in black, models in grey and orange. */
    private static final Map<String, Color> ROLES = Map.of("measured", Color.BLACK, "traffic model", new Color(0x999999),
            "read passes at measured bandwidth", new Color(0xE69F00));

    /** Shades for variants of one family: the family's own colour first. */
    private static final double[] SHADES = {0, -0.35, 0.35, -0.6};

    /** The colour of a series, from its name alone. */
    public static Color colorOf(String series) {
        String name = identity(series);
        Map<String, Color> backends = backends(), families = strategyFamilies();
        Color fixed = backends.getOrDefault(name, NORM_KINDS.getOrDefault(name, ROLES.getOrDefault(name, CLIPPING_METHODS.get(name))));
        if (fixed != null) return fixed;
        String[] words = name.split(" ", 3);
        String first = words[0];
        if (words.length > 1 && CURRENT_MAJOR.containsKey(first) && words[1].matches("[0-9]+\\..*")
                && Integer.parseInt(words[1].replaceAll("\\..*", "")) < CURRENT_MAJOR.get(first)) {
            return shade(backends.get(first), 0.55); // an older major version of a peer
        }
        if (backends.containsKey(first)) return backends.get(first); // "vector f32": a backend's series by dtype; "pytorch 2.13.0": a peer's version
        int colon = name.indexOf(':');
        String family = colon < 0 ? first : name.substring(0, colon);
        Color hue = families.get(family);
        if (hue == null) return FALLBACK.get(Math.floorMod(name.hashCode(), FALLBACK.size()));
        if (colon < 0) return hue;
        return shade(hue, SHADES[Math.floorMod(name.substring(colon + 1).hashCode(), SHADES.length)]);
    }

    /** Whether the name has a colour of its own (a backend, peer, norm kind or strategy family), not a hashed one. */
    public static boolean isFixed(String series) {
        String name = identity(series);
        int colon = name.indexOf(':');
        String family = colon < 0 ? name.split(" ", 2)[0] : name.substring(0, colon);
        Map<String, Color> backends = backends(), families = strategyFamilies();
        return backends.containsKey(name) || NORM_KINDS.containsKey(name) || ROLES.containsKey(name) || CLIPPING_METHODS.containsKey(name)
                || backends.containsKey(family) || families.containsKey(family);
    }

    /** Backends and peers: the declared colours, and one from the pool for every registered backend without one. */
    static Map<String, Color> backends() {
        return withRegistered(DECLARED_BACKENDS, Backends.names(), BACKEND_POOL);
    }

    /** Strategy families: the declared colours, and one from the pool for every registered strategy without one. */
    static Map<String, Color> strategyFamilies() {
        return withRegistered(DECLARED_STRATEGY_FAMILIES, Strategies.names(), STRATEGY_POOL);
    }

    /**
     * The declared colours, and for each registered name without one (in registry order) the first pool colour no other
     * name has. Read from the registry on every call (a few dozen entries), so that what is registered is what is coloured.
     * A name left without a colour (the pool used up) is drawn with a hashed one, and FigureStyleTest fails naming it.
     */
    static Map<String, Color> withRegistered(Map<String, Color> declared, List<String> registered, List<Color> pool) {
        Map<String, Color> out = new LinkedHashMap<>(declared);
        for (String name : registered) {
            if (!out.containsKey(name)) pool.stream().filter(c -> !out.containsValue(c)).findFirst().ifPresent(c -> out.put(name, c));
        }
        return out;
    }

    /** The part of a series name that names the thing: "global-norm:c=1 @ lr 0.1" is drawn as global-norm:c=1. */
    static String identity(String series) {
        int at = series.indexOf(" @ ");
        return at < 0 ? series : series.substring(0, at);
    }

    /** Towards black (f < 0) or white (f > 0) by the fraction |f|. */
    private static Color shade(Color c, double f) {
        if (f == 0) return c;
        double target = f < 0 ? 0 : 255, k = Math.abs(f);
        return new Color((int) Math.round(c.getRed() + (target - c.getRed()) * k), (int) Math.round(c.getGreen() + (target - c.getGreen()) * k),
                (int) Math.round(c.getBlue() + (target - c.getBlue()) * k));
    }

    static String hex(Color c) {
        return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }
}
