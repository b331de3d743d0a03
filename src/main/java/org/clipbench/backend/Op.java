package org.clipbench.backend;

/** The primitive operations a backend provides; {@link Backend#describe} says how each is computed. */
public enum Op {
    NORM2_LIBRARY, NORM2_SAFE, NORM2_FAST_SAFE, NORM2_NAIVE,
    NORM1, NORM_INF, SCALE, CLAMP, ROW_NORMS2, SCALE_ROWS, COPY, ALL_FINITE, ZERO_NON_FINITE, ADD_ARRAY,
    GEMM, ADD_ROW_VECTOR, SUM_ROWS, ACTIVATE, ACTIVATION_BACKWARD, FILL, ADD_SQUARE, ADAM_DIRECTION,
    DOT, ROWS
}
