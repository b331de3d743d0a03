package org.clipbench.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.kernel.Activation;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;
import org.clipbench.perexample.LayerTrace;
import org.clipbench.perexample.LinearLayers;

/**
 * A fully connected network without normalisation: sizes[0] inputs, hidden layers with one activation,
 * a linear output and a loss. With no hidden layer it is linear regression (MSE), logistic regression
 * (one output, binary cross-entropy) or softmax regression (cross-entropy). Layer l has weight
 * "layer{l}.weight" (out x in: rows are output units) and bias "layer{l}.bias" (1 x out).
 */
public final class Mlp implements Model {
    private final String name;
    private final int[] sizes;
    private final Activation hidden;
    private final Loss loss;
    private final ParamShape shape;
    private Work work;

    /** Activations and their gradients for one backend, dtype and batch size, reused across steps. */
    private record Work(Backend b, DType d, int batch, Tensor[] a, Tensor[] da) {
    }

    public Mlp(String name, int[] sizes, Activation hidden, Loss loss) {
        if (sizes.length < 2) throw new IllegalArgumentException(name + ": need at least input and output sizes");
        for (int s : sizes) if (s < 1) throw new IllegalArgumentException(name + ": layer sizes must be positive");
        if (loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY && sizes[sizes.length - 1] != 1) {
            throw new IllegalArgumentException(name + ": binary cross-entropy needs exactly one output");
        }
        this.name = name;
        this.sizes = sizes.clone();
        this.hidden = hidden;
        this.loss = loss;
        List<TensorSpec> specs = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.length; l++) {
            specs.add(new TensorSpec("layer" + l + ".weight", sizes[l + 1], sizes[l], "layer" + l));
            specs.add(new TensorSpec("layer" + l + ".bias", 1, sizes[l + 1], "layer" + l));
        }
        this.shape = new ParamShape(name, specs);
    }

    @Override public String name() { return name; }
    @Override public ParamShape shape() { return shape; }
    @Override public Loss loss() { return loss; }
    @Override public int outputDim() { return sizes[sizes.length - 1]; }

    public int layers() {
        return sizes.length - 1;
    }

    /** He-normal weights for ReLU, Glorot-normal otherwise; zero biases. */
    @Override
    public void initialize(ParamSet params, SplittableRandom rng) {
        Backend b = params.backend();
        for (int l = 0; l < layers(); l++) {
            int in = sizes[l], out = sizes[l + 1];
            double std = hidden == Activation.RELU && l + 1 < layers() ? Math.sqrt(2.0 / in) : Math.sqrt(2.0 / (in + out));
            double[] w = new double[in * out];
            for (int i = 0; i < w.length; i++) w[i] = std * ParamSet.gaussian(rng);
            b.assign(params.tensor(2 * l), w);
            b.fill(params.tensor(2 * l + 1), 0.0);
        }
    }

    private Work work(ParamSet params, int batch) {
        Backend b = params.backend();
        if (work == null || work.b() != b || work.d() != params.dtype() || work.batch() != batch) {
            Tensor[] a = new Tensor[sizes.length], da = new Tensor[sizes.length];
            for (int l = 0; l < sizes.length; l++) {
                a[l] = b.zeros("a" + l, batch, sizes[l], params.dtype());
                da[l] = b.zeros("da" + l, batch, sizes[l], params.dtype());
            }
            work = new Work(b, params.dtype(), batch, a, da);
        }
        return work;
    }

    private Work forward(ParamSet p, Batch batch) {
        if (batch.steps() != 1 || batch.inputDim() != sizes[0]) {
            throw new IllegalArgumentException(name + " takes one step of " + sizes[0] + " inputs, got " + batch.steps()
                    + " x " + batch.inputDim());
        }
        Work w = work(p, batch.size());
        Backend b = w.b();
        b.assign(w.a()[0], Sequences.flatten(batch.inputs()[0]));
        for (int l = 0; l < layers(); l++) {
            b.gemm(false, true, 1.0, w.a()[l], p.tensor(2 * l), 0.0, w.a()[l + 1]);
            b.addRowVector(w.a()[l + 1], p.tensor(2 * l + 1));
            if (l + 1 < layers()) b.activate(hidden, w.a()[l + 1], w.a()[l + 1]);
        }
        return w;
    }

    @Override
    public double[] outputs(ParamSet params, Batch batch) {
        return forward(params, batch).b().toDoubles(work.a()[layers()]);
    }

    @Override
    public double lossAndGradient(ParamSet p, Batch batch, ParamSet grads) {
        Layers pass = new Layers(p, batch);
        double value = pass.forward();
        pass.backward(null, grads);
        return value;
    }

    /** This MLP on one batch, as the per-example clipping methods see it: every layer linear, T = 1. */
    public LinearLayers on(ParamSet params, Batch batch) {
        return new Layers(params, batch);
    }

    private final class Layers implements LinearLayers {
        private final ParamSet p;
        private final Batch batch;
        private Work w;
        private double[] out;

        Layers(ParamSet p, Batch batch) {
            this.p = p;
            this.batch = batch;
        }

        @Override public ParamSet params() { return p; }
        @Override public int examples() { return batch.size(); }

        @Override
        public double forward() {
            w = Mlp.this.forward(p, batch);
            out = w.b().toDoubles(w.a()[layers()]);
            return loss.lossAndGradient(out, batch.size(), outputDim(), batch.labels(), batch.targets(), new double[out.length]);
        }

        @Override
        public void backward(double[] weights, ParamSet grads) {
            if (w == null) throw new IllegalStateException(name + ": backward before forward");
            Backend b = w.b();
            int n = batch.size(), outDim = outputDim();
            double[] dOut = new double[out.length];
            loss.lossAndGradient(out, n, outDim, batch.labels(), batch.targets(), dOut);
            if (weights != null) {
                // the loss's gradient is of the batch mean; example i's weight in the sum is weights[i]
                for (int i = 0; i < n; i++) for (int j = 0; j < outDim; j++) dOut[i * outDim + j] *= weights[i] * n;
            }
            b.assign(w.da()[layers()], dOut);
            for (int l = layers() - 1; l >= 0; l--) {
                Tensor dz = w.da()[l + 1];
                if (l + 1 < layers()) b.activationBackward(hidden, w.a()[l + 1], dz);
                if (grads != null) {
                    b.gemm(true, false, 1.0, dz, w.a()[l], 0.0, grads.tensor(2 * l));
                    b.sumRows(dz, 0.0, grads.tensor(2 * l + 1));
                }
                if (l > 0) b.gemm(false, false, 1.0, dz, p.tensor(2 * l), 0.0, w.da()[l]);
            }
        }

        @Override
        public List<LayerTrace> traces() {
            List<LayerTrace> t = new ArrayList<>();
            for (int l = 0; l < layers(); l++) t.add(new LayerTrace(w.a()[l], w.da()[l + 1], 1, 2 * l, 2 * l + 1));
            return t;
        }

        @Override
        public long workingBytes() {
            long elements = 0;
            for (int l = 0; l < sizes.length; l++) elements += 2L * batch.size() * sizes[l];
            return elements * p.dtype().bytes();
        }
    }
}
