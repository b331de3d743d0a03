package org.clipbench.backend;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/** Every supported backend x dtype, for parameterized tests (tests run with OMP_NUM_THREADS=1). */
public final class BackendCombos {
    private BackendCombos() {
    }

    public static List<Arguments> all() {
        List<Arguments> out = new ArrayList<>();
        for (String name : Backends.names()) {
            Backend b = Backends.create(name, 1);
            for (DType d : DType.values()) {
                if (b.supports(d)) out.add(Arguments.of(name, d));
            }
        }
        return out;
    }
}
