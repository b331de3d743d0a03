package org.clipbench.backend;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every supported backend x dtype of full arithmetic (f32, f64), for parameterized tests (tests run with
 * OMP_NUM_THREADS=1); the 16-bit storage types, which hold gradients for clipping only, are {@link #halfPrecision()}.
 */
public final class BackendCombos {
    private BackendCombos() {
    }

    public static List<Arguments> all() {
        List<Arguments> out = new ArrayList<>();
        for (String name : Backends.names()) {
            Backend b = Backends.create(name, 1);
            for (DType d : DType.values()) {
                if (b.supports(d) && !d.isHalf()) out.add(Arguments.of(name, d));
            }
        }
        return out;
    }

    /** Every backend with 16-bit storage x bf16 and f16. */
    public static List<Arguments> halfPrecision() {
        List<Arguments> out = new ArrayList<>();
        for (String name : Backends.names()) {
            for (DType d : DType.values()) {
                if (d.isHalf() && Backends.capabilities(name).half16()) out.add(Arguments.of(name, d));
            }
        }
        return out;
    }
}
