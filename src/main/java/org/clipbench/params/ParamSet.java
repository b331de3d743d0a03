package org.clipbench.params;

import org.clipbench.backend.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.backend.UnsupportedCombinationException;

/**
 * A model's gradient (or parameters): tensors in one backend's storage, in one layout. With the flat
 * layout {@link #flatBuffer()} is the single buffer the tensors are views of.
 */
public final class ParamSet {
    private final Backend backend;
    private final ParamShape shape;
    private final DType dtype;
    private final Layout layout;
    private final List<Tensor> tensors;
    private final Tensor flat;

    private ParamSet(Backend backend, ParamShape shape, DType dtype, Layout layout, List<Tensor> tensors, Tensor flat) {
        this.backend = backend;
        this.shape = shape;
        this.dtype = dtype;
        this.layout = layout;
        this.tensors = List.copyOf(tensors);
        this.flat = flat;
    }

    /** Zero-filled. Throws {@link UnsupportedCombinationException} for what the backend cannot hold. */
    public static ParamSet zeros(Backend backend, ParamShape shape, DType dtype, Layout layout) {
        backend.requireSupported(dtype);
        if (layout == Layout.FLAT) {
            if (!backend.supportsFlatLayout()) {
                throw new UnsupportedCombinationException(backend.name() + " does not support the flat layout");
            }
            Backend.FlatAllocation fa = backend.allocateFlat(shape.tensors(), dtype);
            return new ParamSet(backend, shape, dtype, layout, fa.views(), fa.buffer());
        }
        List<Tensor> ts = new ArrayList<>(shape.tensorCount());
        for (TensorSpec s : shape.tensors()) {
            ts.add(backend.zeros(s.name(), s.rows(), s.cols(), dtype));
        }
        return new ParamSet(backend, shape, dtype, layout, ts, null);
    }

    /** Values in row-major order per tensor, copied in at the edge. */
    public static ParamSet of(Backend backend, ParamShape shape, DType dtype, Layout layout, List<double[]> values) {
        ParamSet p = zeros(backend, shape, dtype, layout);
        if (values.size() != p.tensors.size()) {
            throw new IllegalArgumentException("parameter set '" + shape.name() + "' has " + p.tensors.size()
                    + " tensors but " + values.size() + " value arrays were given");
        }
        for (int i = 0; i < values.size(); i++) {
            backend.assign(p.tensors.get(i), values.get(i));
        }
        return p;
    }

    /** Gaussian values with the given standard deviation from a seeded generator (same on every backend). */
    public static ParamSet gaussian(Backend backend, ParamShape shape, DType dtype, Layout layout, long seed, double std) {
        // tensor by tensor, so a 124M-parameter set never needs a second full copy on the heap
        ParamSet p = zeros(backend, shape, dtype, layout);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int t = 0; t < p.tensors.size(); t++) {
            backend.assign(p.tensors.get(t), gaussianArray(rng, (int) shape.tensors().get(t).size(), std));
        }
        return p;
    }

    private static double[] gaussianArray(SplittableRandom rng, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = std * gaussian(rng);
        return v;
    }

    public static List<double[]> gaussianValues(ParamShape shape, long seed, double std) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<double[]> out = new ArrayList<>(shape.tensorCount());
        for (TensorSpec s : shape.tensors()) out.add(gaussianArray(rng, (int) s.size(), std));
        return out;
    }

    /** Marsaglia polar method on a SplittableRandom (deterministic and splittable, unlike java.util.Random). */
    public static double gaussian(SplittableRandom rng) {
        double u, v, s;
        do {
            u = 2 * rng.nextDouble() - 1;
            v = 2 * rng.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /** A zero-filled set of the same shape, backend, dtype and layout. */
    public ParamSet zerosLike() {
        return zeros(backend, shape, dtype, layout);
    }

    /** A deep copy in the same backend. */
    public ParamSet copy() {
        ParamSet c = zerosLike();
        c.copyFrom(this);
        return c;
    }

    /** this = other, tensor by tensor (or buffer to buffer when both are flat). */
    public void copyFrom(ParamSet other) {
        if (flat != null && other.flat != null) {
            backend.copy(other.flat, flat);
            return;
        }
        for (int i = 0; i < tensors.size(); i++) {
            backend.copy(other.tensors.get(i), tensors.get(i));
        }
    }

    public List<double[]> toDoubles() {
        List<double[]> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) out.add(backend.toDoubles(t));
        return out;
    }

    /** Tensor indices grouped by layer, in first-seen order. */
    public Map<String, List<Integer>> layers() {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        for (int i = 0; i < shape.tensors().size(); i++) {
            m.computeIfAbsent(shape.tensors().get(i).layer(), k -> new ArrayList<>()).add(i);
        }
        return m;
    }

    public Backend backend() { return backend; }
    public ParamShape shape() { return shape; }
    public DType dtype() { return dtype; }
    public Layout layout() { return layout; }
    public List<Tensor> tensors() { return tensors; }
    public Tensor tensor(int i) { return tensors.get(i); }
    public int size() { return tensors.size(); }
    /** The flat buffer, or null in the separate layout. */
    public Tensor flatBuffer() { return flat; }
    public long elementCount() { return shape.totalSize(); }
}
