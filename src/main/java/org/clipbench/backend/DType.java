package org.clipbench.backend;

import java.util.Locale;

/** Element type of a tensor's storage. */
public enum DType {
    F32("f32", 4),
    F64("f64", 8);

    private final String label;
    private final int bytes;

    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    public String label() {
        return label;
    }

    public int bytes() {
        return bytes;
    }

    public static DType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (DType d : values()) {
            if (d.label.equals(t) || d.name().equalsIgnoreCase(t)) {
                return d;
            }
        }
        if (t.equals("float") || t.equals("float32")) return F32;
        if (t.equals("double") || t.equals("float64")) return F64;
        throw new IllegalArgumentException("unknown dtype '" + text + "': use f32 or f64");
    }

    @Override
    public String toString() {
        return label;
    }
}
