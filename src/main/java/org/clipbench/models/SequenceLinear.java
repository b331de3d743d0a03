package org.clipbench.models;

import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.backend.TensorSpec;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.perexample.LayerTrace;
import org.clipbench.perexample.LinearLayers;

/**
 * One linear layer applied at each of T positions of a sequence, as a transformer's projections are (GPT-2's MLP:
 * 768 -> 3072): z_t = a_t W^T + b for t = 1..T, with squared error 1/2 sum_t ||z_t - y_t||^2 per example, averaged
 * over the batch. The layer where the cost of per-example clipping depends on T: example i's weight gradient
 * delta_i^T a_i sums T outer products. Batch: {@link Batch#everyStep}, inputs[t][i] = a_t of example i (d_in values),
 * stepTargets[t][i] = y_t (d_out). Tensors: "proj.weight" (d_out x d_in), "proj.bias" (1 x d_out), one layer "proj".
 * The batch's inputs and targets are copied into the backend once per batch (a data loader's tensors), so a step
 * on the same batch reads them from there.
 */
public final class SequenceLinear implements Model {
    private final int inputs;
    private final int outputs;
    private final ParamShape shape;
    private Work work;

    /** The batch in the backend, example by example (rows i·T .. i·T + T - 1 are example i), and the pass's tensors. */
    private record Work(Backend b, DType d, Batch batch, Tensor a, Tensor y, Tensor z, Tensor delta) {
    }

    public SequenceLinear(int inputs, int outputs) {
        if (inputs < 1 || outputs < 1) throw new IllegalArgumentException("sequence-linear: sizes must be positive, got " + inputs + " -> " + outputs);
        this.inputs = inputs;
        this.outputs = outputs;
        this.shape = new ParamShape("sequence-linear-" + inputs + "x" + outputs,
                List.of(new TensorSpec("proj.weight", outputs, inputs, "proj"), new TensorSpec("proj.bias", 1, outputs, "proj")));
    }

    /** A layer given as "d_in x d_out", e.g. "768x3072"; a one-line error naming the form otherwise. */
    public static SequenceLinear of(String layer) {
        String[] p = layer.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int in = Integer.parseInt(p[0].trim()), out = Integer.parseInt(p[1].trim());
                if (in > 0 && out > 0) return new SequenceLinear(in, out);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("layer '" + layer + "': give d_in x d_out as two positive integers, e.g. 768x3072");
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /**
     * A batch of Gaussian inputs and targets whose examples differ in scale (0.5 for the first to 2 for the last), so that
     * their gradient norms differ and a bound at the median norm clips about half of them.
     */
    public Batch gaussianBatch(int examples, int positions, long seed) {
        if (examples < 1 || positions < 1) throw new IllegalArgumentException("sequence-linear: a batch needs examples and positions >= 1");
        SplittableRandom r = new SplittableRandom(seed);
        double[][][] x = new double[positions][examples][inputs], y = new double[positions][examples][outputs];
        for (int i = 0; i < examples; i++) {
            double scale = 0.5 + 1.5 * i / Math.max(1, examples - 1);
            for (int t = 0; t < positions; t++) {
                for (int j = 0; j < inputs; j++) x[t][i][j] = scale * ParamSet.gaussian(r);
                for (int j = 0; j < outputs; j++) y[t][i][j] = scale * ParamSet.gaussian(r);
            }
        }
        return Batch.everyStep(x, y);
    }

    @Override public String name() { return "sequence-linear"; }
    @Override public ParamShape shape() { return shape; }
    @Override public Loss loss() { return Loss.MSE; }
    @Override public int outputDim() { return outputs; }

    /** Glorot-normal weights, zero bias. */
    @Override
    public void initialize(ParamSet params, SplittableRandom rng) {
        double std = Math.sqrt(2.0 / (inputs + outputs));
        double[] w = new double[inputs * outputs];
        for (int i = 0; i < w.length; i++) w[i] = std * ParamSet.gaussian(rng);
        params.backend().assign(params.tensor(0), w);
        params.backend().fill(params.tensor(1), 0.0);
    }

    @Override
    public double lossAndGradient(ParamSet params, Batch batch, ParamSet grads) {
        Pass pass = new Pass(params, batch);
        double value = pass.forward();
        pass.backward(null, grads);
        return value;
    }

    /** Every position's output, example by example (B·T x d_out, row-major). */
    @Override
    public double[] outputs(ParamSet params, Batch batch) {
        Pass pass = new Pass(params, batch);
        pass.forward();
        return params.backend().toDoubles(work.z());
    }

    /** This layer on one batch, as the per-example clipping methods see it. */
    public LinearLayers on(ParamSet params, Batch batch) {
        return new Pass(params, batch);
    }

    private Work work(ParamSet p, Batch batch) {
        Backend b = p.backend();
        if (batch.inputDim() != inputs || batch.stepTargets() == null || batch.stepTargets()[0][0].length != outputs) {
            throw new IllegalArgumentException("sequence-linear " + inputs + " -> " + outputs + " needs a batch of " + inputs
                    + " inputs and " + outputs + " targets at every step (Batch.everyStep), got " + batch.inputDim() + " inputs"
                    + (batch.stepTargets() == null ? " and no step targets" : " and " + batch.stepTargets()[0][0].length + " targets"));
        }
        if (work != null && work.b() == b && work.d() == p.dtype() && work.batch() == batch) return work;
        int rows = batch.size() * batch.steps();
        if (work == null || work.b() != b || work.d() != p.dtype() || work.a().rows() != rows) {
            work = new Work(b, p.dtype(), batch, b.zeros("a", rows, inputs, p.dtype()), b.zeros("y", rows, outputs, p.dtype()),
                    b.zeros("z", rows, outputs, p.dtype()), b.zeros("delta", rows, outputs, p.dtype()));
        } else {
            work = new Work(b, p.dtype(), batch, work.a(), work.y(), work.z(), work.delta());
        }
        b.assign(work.a(), exampleMajor(batch.inputs()));
        b.assign(work.y(), exampleMajor(batch.stepTargets()));
        return work;
    }

    /** perStep[t][i] (a vector) laid out as rows i·T + t. */
    private static double[] exampleMajor(double[][][] perStep) {
        int steps = perStep.length, n = perStep[0].length, cols = perStep[0][0].length;
        double[] out = new double[steps * n * cols];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < steps; t++) System.arraycopy(perStep[t][i], 0, out, (i * steps + t) * cols, cols);
        }
        return out;
    }

    private final class Pass implements LinearLayers {
        private final ParamSet p;
        private final Batch batch;
        private Work w;

        Pass(ParamSet p, Batch batch) {
            this.p = p;
            this.batch = batch;
        }

        @Override public ParamSet params() { return p; }
        @Override public int examples() { return batch.size(); }

        @Override
        public double forward() {
            w = work(p, batch);
            Backend b = w.b();
            b.gemm(false, true, 1.0, w.a(), p.tensor(0), 0.0, w.z());
            b.addRowVector(w.z(), p.tensor(1));
            residual();
            double norm = b.norm2(w.delta(), org.clipbench.backend.NormKind.SAFE);
            return 0.5 * norm * norm / batch.size();
        }

        /** delta = z - y: the gradient of example i's own loss at every position. */
        private void residual() {
            w.b().copy(w.z(), w.delta());
            w.b().axpy(-1.0, w.y(), w.delta());
        }

        @Override
        public void backward(double[] weights, ParamSet grads) {
            if (w == null) throw new IllegalStateException("sequence-linear: backward before forward");
            Backend b = w.b();
            int n = batch.size(), steps = batch.steps();
            residual();
            double[] rowWeights = new double[n * steps];
            for (int i = 0; i < n; i++) java.util.Arrays.fill(rowWeights, i * steps, (i + 1) * steps, weights == null ? 1.0 / n : weights[i]);
            b.scaleRows(w.delta(), rowWeights);
            if (grads == null) return;
            b.gemm(true, false, 1.0, w.delta(), w.a(), 0.0, grads.tensor(0));
            b.sumRows(w.delta(), 0.0, grads.tensor(1));
        }

        @Override
        public List<LayerTrace> traces() {
            return List.of(new LayerTrace(w.a(), w.delta(), batch.steps(), 0, 1));
        }

        @Override
        public long workingBytes() {
            return (long) batch.size() * batch.steps() * (inputs + 3L * outputs) * p.dtype().bytes();
        }
    }
}
