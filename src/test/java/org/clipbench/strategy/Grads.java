package org.clipbench.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;

/** Small hand-made gradients for strategy tests. */
final class Grads {
    private Grads() {
    }

    static final Backend ARRAYS = Backends.create("arrays");

    /** Vectors t0, t1, ... each its own layer. */
    static ParamSet vectors(double[]... tensors) {
        return vectors(ARRAYS, DType.F64, tensors);
    }

    static ParamSet vectors(Backend b, DType d, double[]... tensors) {
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = 0; i < tensors.length; i++) specs.add(new TensorSpec("t" + i, 1, tensors[i].length, "layer" + i));
        return ParamSet.of(b, new ParamShape("test", specs), d, Layout.SEPARATE, Arrays.asList(tensors));
    }

    static ParamSet of(Backend b, DType d, ParamShape shape, List<double[]> values) {
        return ParamSet.of(b, shape, d, Layout.SEPARATE, values);
    }

    static double[] t(ParamSet p, int i) {
        return p.backend().toDoubles(p.tensor(i));
    }

    static ClipReport clip(String spec, ParamSet g) {
        return Strategies.gradient(spec).clip(g, ClipContext.defaults());
    }

    /** Deep copy of the values, for bit-level comparisons. */
    static List<double[]> snapshot(ParamSet p) {
        return p.toDoubles();
    }

    static long[] bits(double[] x) {
        long[] b = new long[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Double.doubleToRawLongBits(x[i]);
        return b;
    }
}
