package org.clipbench.accuracy;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.Op;
import org.clipbench.backend.UnsupportedCombinationException;

/**
 * One JVM implementation of the global L2 norm measured by the accuracy table: a backend and a norm kind, on one
 * tensor holding the whole gradient. Kinds that are the same computation on a backend (the arrays backend's library
 * norm is its naive loop; ND4J's fast-safe is its safe norm) are measured once, under the first name.
 */
public record JvmNorm(String backend, NormKind kind) {
    /** "vector safe", "ejml library". */
    public String label() {
        return backend + " " + kindLabel(kind);
    }

    public static String kindLabel(NormKind k) {
        return k.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The backends of the project's own kernels, which hold the master copy of a gradient (one tensor serves both). */
    static boolean ownKernels(String backend) {
        return backend.equals("arrays") || backend.equals("vector");
    }

    /** The distinct norms of every backend that holds the dtype, in registry order; a backend that cannot start is left out with why. */
    public static List<JvmNorm> forDtype(DType d, List<String> notLoaded) {
        List<JvmNorm> out = new ArrayList<>();
        for (String name : Backends.names()) {
            if (!Backends.capabilities(name).holds(d)) continue;
            Backend b;
            try {
                b = Backends.create(name);
            } catch (UnsupportedCombinationException | LinkageError e) {
                String why = name + ": not loaded (" + e.getMessage() + ")";
                if (!notLoaded.contains(why)) notLoaded.add(why);
                continue;
            }
            List<String> seen = new ArrayList<>();
            for (NormKind k : List.of(NormKind.NAIVE, NormKind.SAFE, NormKind.FAST_SAFE, NormKind.LIBRARY)) {
                String how = b.describe(op(k));
                if (seen.contains(how)) continue; // the same computation as a kind already measured
                seen.add(how);
                out.add(new JvmNorm(name, k));
            }
        }
        return out;
    }

    static Op op(NormKind k) {
        return switch (k) {
            case LIBRARY -> Op.NORM2_LIBRARY;
            case SAFE -> Op.NORM2_SAFE;
            case FAST_SAFE -> Op.NORM2_FAST_SAFE;
            case NAIVE -> Op.NORM2_NAIVE;
        };
    }
}
