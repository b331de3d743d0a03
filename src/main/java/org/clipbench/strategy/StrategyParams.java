package org.clipbench.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed "name:key=value,key=value" parameters. Strategies read them with typed getters that state
 * the default and a one-line doc; the getters validate, and the registry rejects keys nobody read.
 * The same getters, called on empty parameters, produce the registry's help text.
 */
public final class StrategyParams {

    /** One declared parameter, for help output. */
    public record Declared(String key, String defaultValue, String doc) {
    }

    private final String strategy;
    private final Map<String, String> values;
    private final Map<String, Declared> declared = new LinkedHashMap<>();

    public StrategyParams(String strategy, Map<String, String> values) {
        this.strategy = strategy;
        this.values = new LinkedHashMap<>(values);
    }

    /** Whether the spec gives this key (as opposed to leaving it at its default). */
    public boolean given(String key) {
        return values.containsKey(key);
    }

    public static StrategyParams empty(String strategy) {
        return new StrategyParams(strategy, Map.of());
    }

    /** Splits "name:k=v,k=v" into the name and the key/value map. */
    public static Map.Entry<String, Map<String, String>> parseSpec(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty strategy spec: write name:key=value,... e.g. global-norm:c=1.0,p=2");
        }
        String s = spec.trim();
        rejectControlCharacters(s);
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> kv = new LinkedHashMap<>();
        if (colon >= 0 && colon < s.length() - 1) {
            for (String part : s.substring(colon + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("strategy spec '" + spec + "': '" + part
                            + "' is not key=value");
                }
                String key = part.substring(0, eq).trim();
                if (kv.put(key, part.substring(eq + 1).trim()) != null) {
                    throw new IllegalArgumentException("strategy spec '" + spec + "' sets '" + key + "' twice");
                }
            }
        }
        return Map.entry(name, kv);
    }

    /**
     * A line break inside a spec would split every error message that quotes it (and a spec is one
     * command-line word or one JSON string): refuse it, showing the character escaped.
     */
    private static void rejectControlCharacters(String spec) {
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                throw new IllegalArgumentException("strategy spec '" + escaped(spec) + "' holds a control character (U+"
                        + String.format(Locale.ROOT, "%04X", (int) c) + ") at position " + i + ": write the spec on one line, without tabs or line breaks");
            }
        }
    }

    /** The text with control and line-separator characters written as Java escapes, so it prints on one line. */
    static String escaped(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private String raw(String key, Object def, String doc) {
        declared.put(key, new Declared(key, String.valueOf(def), doc));
        return values.get(key);
    }

    private IllegalArgumentException bad(String key, String value, String want) {
        return new IllegalArgumentException(strategy + ": parameter " + key + "=" + value + " is invalid: " + want);
    }

    public double real(String key, double def, String doc) {
        String v = raw(key, def, doc);
        if (v == null) return def;
        try {
            double d = v.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
            if (Double.isNaN(d)) throw bad(key, v, "a number is needed, not NaN");
            return d;
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number is needed");
        }
    }

    /** A number > 0 (a threshold). */
    public double positive(String key, double def, String doc) {
        double d = real(key, def, doc);
        if (!(d > 0)) throw bad(key, String.valueOf(d), "it must be > 0");
        return d;
    }

    public double nonNegative(String key, double def, String doc) {
        double d = real(key, def, doc);
        if (!(d >= 0)) throw bad(key, String.valueOf(d), "it must be >= 0");
        return d;
    }

    /** A number in [lo, hi]. */
    public double inRange(String key, double def, double lo, double hi, String doc) {
        double d = real(key, def, doc);
        if (!(d >= lo && d <= hi)) throw bad(key, String.valueOf(d), "it must lie in [" + lo + ", " + hi + "]");
        return d;
    }

    /** A number strictly inside (lo, hi). */
    public double openRange(String key, double def, double lo, double hi, String doc) {
        double d = real(key, def, doc);
        if (!(d > lo && d < hi)) throw bad(key, String.valueOf(d), "it must lie in (" + lo + ", " + hi + ")");
        return d;
    }

    public int integer(String key, int def, int min, String doc) {
        String v = raw(key, def, doc);
        if (v == null) return def;
        try {
            int i = Integer.parseInt(v);
            if (i < min) throw bad(key, v, "it must be >= " + min);
            return i;
        } catch (NumberFormatException e) {
            throw bad(key, v, "a whole number is needed");
        }
    }

    public long seed(String key, long def, String doc) {
        String v = raw(key, def, doc);
        if (v == null) return def;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(key, v, "a whole number is needed");
        }
    }

    public boolean flag(String key, boolean def, String doc) {
        String v = raw(key, def, doc);
        if (v == null) return def;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw bad(key, v, "use true or false");
        };
    }

    /** One of the given words (first is the default). */
    public String choice(String key, String doc, String... options) {
        String v = raw(key, options[0], doc + " (" + String.join("|", options) + ")");
        if (v == null) return options[0];
        for (String o : options) {
            if (o.equalsIgnoreCase(v)) return o;
        }
        throw bad(key, v, "choose one of " + Arrays.toString(options));
    }

    /** A norm order: 1, 2 or inf. */
    public double normOrder(String key, double def, String doc) {
        String v = raw(key, def == Double.POSITIVE_INFINITY ? "inf" : (int) def, doc + " (1|2|inf)");
        if (v == null) return def;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "1" -> 1;
            case "2" -> 2;
            case "inf", "infinity", "max" -> Double.POSITIVE_INFINITY;
            default -> throw bad(key, v, "use 1, 2 or inf");
        };
    }

    /** A '|'-separated list of names (possibly empty). */
    public List<String> names(String key, String doc) {
        String v = raw(key, "", doc + " ('|'-separated)");
        if (v == null || v.isBlank()) return List.of();
        List<String> out = new ArrayList<>();
        for (String n : v.split("\\|")) if (!n.isBlank()) out.add(n.trim());
        return out;
    }

    /** Throws if a given key was never read by the strategy. */
    public void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!declared.containsKey(key)) {
                throw new IllegalArgumentException(strategy + ": unknown parameter '" + key + "'; valid parameters: "
                        + (declared.isEmpty() ? "none" : String.join(", ", declared.keySet())));
            }
        }
    }

    public List<Declared> declared() {
        return List.copyOf(declared.values());
    }

    /** The canonical spec with every parameter's effective value. */
    public String canonical(Map<String, Object> effective) {
        if (effective.isEmpty()) return strategy;
        StringBuilder sb = new StringBuilder(strategy).append(':');
        effective.forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /** The spec as given: name, then the given keys in order. */
    public String spec() {
        return canonical(new LinkedHashMap<>(values));
    }

    public String strategy() {
        return strategy;
    }
}
