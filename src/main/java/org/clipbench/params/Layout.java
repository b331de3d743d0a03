package org.clipbench.params;

/** How a parameter set's tensors are stored. */
public enum Layout {
    /** One allocation per tensor (what a module's parameters usually are). */
    SEPARATE,
    /** One contiguous buffer with a view per tensor (what fused / multi-tensor optimizers use). */
    FLAT;

    public static Layout parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown layout '" + text + "': use separate or flat");
        }
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
