package org.clipbench.backend;

import java.util.Locale;
import org.clipbench.kernel.Half;

/**
 * Element type of a tensor's storage. The two 16-bit types (bf16, f16) hold gradients as mixed-precision
 * training keeps them: 16-bit storage, arithmetic and norm accumulation in f32 (see {@link Half}).
 */
public enum DType {
    F32("f32", 4, null),
    F64("f64", 8, null),
    BF16("bf16", 2, Half.BF16),
    F16("f16", 2, Half.F16);

    private final String label;
    private final int bytes;
    private final Half half;

    DType(String label, int bytes, Half half) {
        this.label = label;
        this.bytes = bytes;
        this.half = half;
    }

    public String label() {
        return label;
    }

    public int bytes() {
        return bytes;
    }

    /** The 16-bit format of bf16 and f16 storage; null for f32 and f64. */
    public Half half() {
        return half;
    }

    public boolean isHalf() {
        return half != null;
    }

    /** Whether arithmetic on this storage runs in float (f32 and the 16-bit types) rather than double. */
    public boolean computesInFloat() {
        return this != F64;
    }

    /** The largest finite value the storage holds. */
    public double maxValue() {
        return switch (this) {
            case F64 -> Double.MAX_VALUE;
            case F32 -> Float.MAX_VALUE;
            default -> half.maxValue();
        };
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
        if (t.equals("bfloat16")) return BF16;
        if (t.equals("half") || t.equals("float16")) return F16;
        throw new IllegalArgumentException("unknown dtype '" + text + "': use f32, f64, bf16 or f16");
    }

    @Override
    public String toString() {
        return label;
    }
}
