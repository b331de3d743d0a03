package org.clipbench.backend;

/**
 * Which L2 norm implementation to use.
 *
 * <p>Every kind returns NaN if any entry is NaN and +Inf if an entry is infinite (and none is NaN),
 * except {@link #LIBRARY}, which is whatever the library does (see {@link Backend#describe}).
 */
public enum NormKind {
    /** The library's own norm, exactly as a user of that library would call it (naive or scaled). */
    LIBRARY,
    /** Correct for every finite input (1e-300..1e300 in f64): scaled accumulation, never overflows. */
    SAFE,
    /** Naive speed on ordinary data; reruns the safe kernel only when the naive sum overflowed or underflowed. */
    FAST_SAFE,
    /** Plain sqrt(sum x^2) in the storage precision: overflows for |x| above ~1.3e154 (f64) or ~1.8e19 (f32). */
    NAIVE;

    public static NormKind parse(String text) {
        return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
}
