package org.clipbench.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The sum of a vector's lanes, for the SIMD kernels. The Vector API leaves the order of a floating-point
 * reduceLanes(ADD) unspecified; on JDK 17 the interpreter and C2 both add in lane order, which
 * VectorDeterminismTest checks (same bits cold and hot). A lane-by-lane loop would fix the order by
 * construction but costs ~20 ns a lane (lane(i) with a variable index is not intrinsified): it made the
 * f32 norm, which reduces once per 1024 elements, three times slower.
 *
 * <p>A class of its own, not a helper inside VectorKernels: the benchmarks keep VectorKernels' methods
 * from inlining into their callers (-XX:CompileCommand=dontinline,...VectorKernels::*), and a helper there
 * that takes a vector argument was then a real call on a boxed vector, in which C2 could fall back to the
 * Vector API's Java reduction (FloatVector.rOpTemplate). Once per 1024 elements, that added ~95 ms to a
 * gpt2-small f32 norm under JMH. Here it inlines into each kernel and stays an intrinsic.
 */
final class Lanes {
    private Lanes() {
    }

    static double sum(DoubleVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }

    static float sum(FloatVector v) {
        return v.reduceLanes(VectorOperators.ADD);
    }
}
