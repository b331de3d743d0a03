package org.clipbench.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.clipbench.kernel.Activation;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;

/**
 * Elman RNN as in Pascanu et al. 2013: h_t = f(h_{t-1} W_rec^T + u_t W_in^T + b), h_0 = 0, a linear
 * output read from the last state (or from every state, the loss then averaged over steps), trained
 * by backpropagation through time. Tensors: rnn.W_in (H x in), rnn.W_rec (H x H), rnn.bias,
 * out.weight (out x H), out.bias.
 */
public final class ElmanRnn implements Model {

    /** Pascanu et al.'s initialisations. */
    public enum Init {
        /** every weight N(0, 0.1^2) ("basic tanh") */
        BASIC,
        /** W_in, W_out N(0, 0.01^2); W_rec sparse, 15 non-zeros per unit, scaled to spectral radius 0.95 ("smart tanh") */
        SMART,
        /** every weight N(0, 0.01^2) (their sigmoid setting) */
        SMALL;

        public static Init parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown init '" + s + "': use basic, smart or small");
            }
        }
    }

    private final int inputs;
    private final int hidden;
    private final int outputs;
    private final Activation act;
    private final Loss loss;
    private final boolean everyStep;
    private final Init init;
    private final ParamShape shape;
    private Work work;

    private record Work(Backend b, DType d, int batch, int steps, Tensor[] x, Tensor[] h, Tensor[] out, Tensor dOut,
                        Tensor dh, Tensor dhNext) {
    }

    public ElmanRnn(int inputs, int hidden, int outputs, Activation act, Loss loss, boolean everyStep, Init init) {
        if (inputs < 1 || hidden < 1 || outputs < 1) throw new IllegalArgumentException("rnn: sizes must be positive");
        if (act != Activation.TANH && act != Activation.SIGMOID) {
            throw new IllegalArgumentException("rnn: activation must be tanh or sigmoid, not " + act);
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.outputs = outputs;
        this.act = act;
        this.loss = loss;
        this.everyStep = everyStep;
        this.init = init;
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec("rnn.W_in", hidden, inputs, "rnn"));
        specs.add(new TensorSpec("rnn.W_rec", hidden, hidden, "rnn"));
        specs.add(new TensorSpec("rnn.bias", 1, hidden, "rnn"));
        specs.add(new TensorSpec("out.weight", outputs, hidden, "out"));
        specs.add(new TensorSpec("out.bias", 1, outputs, "out"));
        this.shape = new ParamShape("rnn", specs);
    }

    @Override public String name() { return "rnn"; }
    @Override public ParamShape shape() { return shape; }
    @Override public Loss loss() { return loss; }
    @Override public int outputDim() { return outputs; }

    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        Backend b = p.backend();
        double std = init == Init.BASIC ? 0.1 : 0.01;
        b.assign(p.tensor(0), gaussian(rng, hidden * inputs, std));
        b.assign(p.tensor(1), init == Init.SMART ? sparseRecurrent(rng) : gaussian(rng, hidden * hidden, std));
        b.fill(p.tensor(2), 0.0);
        b.assign(p.tensor(3), gaussian(rng, outputs * hidden, std));
        b.fill(p.tensor(4), 0.0);
    }

    private static double[] gaussian(SplittableRandom rng, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = std * ParamSet.gaussian(rng);
        return v;
    }

    /** 15 N(0,1) entries per row at random columns, rescaled to spectral radius 0.95 (Commons Math eigenvalues). */
    private double[] sparseRecurrent(SplittableRandom rng) {
        double[] w = new double[hidden * hidden];
        int nonZeros = Math.min(15, hidden);
        for (int r = 0; r < hidden; r++) {
            int placed = 0;
            while (placed < nonZeros) {
                int c = rng.nextInt(hidden);
                if (w[r * hidden + c] == 0) {
                    w[r * hidden + c] = ParamSet.gaussian(rng);
                    placed++;
                }
            }
        }
        double[][] m = new double[hidden][hidden];
        for (int r = 0; r < hidden; r++) System.arraycopy(w, r * hidden, m[r], 0, hidden);
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(m, false));
        double radius = 0;
        for (int i = 0; i < hidden; i++) radius = Math.max(radius, Math.hypot(eig.getRealEigenvalue(i), eig.getImagEigenvalue(i)));
        double s = 0.95 / radius;
        for (int i = 0; i < w.length; i++) w[i] *= s;
        return w;
    }

    private Work work(ParamSet p, int batch, int steps) {
        Backend b = p.backend();
        if (work == null || work.b() != b || work.d() != p.dtype() || work.batch() != batch || work.steps() != steps) {
            DType d = p.dtype();
            Tensor[] x = new Tensor[steps], h = new Tensor[steps + 1], out = new Tensor[everyStep ? steps : 1];
            for (int t = 0; t < steps; t++) x[t] = b.zeros("x" + t, batch, inputs, d);
            for (int t = 0; t <= steps; t++) h[t] = b.zeros("h" + t, batch, hidden, d);
            for (int t = 0; t < out.length; t++) out[t] = b.zeros("y" + t, batch, outputs, d);
            work = new Work(b, d, batch, steps, x, h, out, b.zeros("dy", batch, outputs, d), b.zeros("dh", batch, hidden, d),
                    b.zeros("dh2", batch, hidden, d));
        }
        return work;
    }

    private Work forward(ParamSet p, Batch batch) {
        if (batch.inputDim() != inputs) {
            throw new IllegalArgumentException("rnn takes " + inputs + " inputs per step, got " + batch.inputDim());
        }
        int steps = batch.steps();
        Work w = work(p, batch.size(), steps);
        Backend b = w.b();
        for (int t = 1; t <= steps; t++) {
            Tensor h = w.h()[t];
            b.assign(w.x()[t - 1], Sequences.flatten(batch.inputs()[t - 1]));
            b.gemm(false, true, 1.0, w.x()[t - 1], p.tensor(0), 0.0, h);
            if (t > 1) b.gemm(false, true, 1.0, w.h()[t - 1], p.tensor(1), 1.0, h);
            b.addRowVector(h, p.tensor(2));
            b.activate(act, h, h);
            if (everyStep || t == steps) {
                Tensor y = w.out()[everyStep ? t - 1 : 0];
                b.gemm(false, true, 1.0, h, p.tensor(3), 0.0, y);
                b.addRowVector(y, p.tensor(4));
            }
        }
        return w;
    }

    @Override
    public double[] outputs(ParamSet p, Batch batch) {
        Work w = forward(p, batch);
        return w.b().toDoubles(w.out()[w.out().length - 1]);
    }

    @Override
    public double lossAndGradient(ParamSet p, Batch batch, ParamSet g) {
        Work w = forward(p, batch);
        Backend b = w.b();
        int steps = batch.steps(), n = batch.size();
        for (int i = 0; i < g.size(); i++) b.fill(g.tensor(i), 0.0);
        double total = 0;
        // gradient flowing into h_t; dh holds it for the current step, dhNext receives the step before
        Tensor dh = w.dh(), dhNext = w.dhNext();
        b.fill(dh, 0.0);
        for (int t = steps; t >= 1; t--) {
            if (everyStep || t == steps) {
                int k = everyStep ? t - 1 : 0;
                double[] y = b.toDoubles(w.out()[k]);
                double[] dy = new double[y.length];
                int[] labels = everyStep && batch.stepLabels() != null ? batch.stepLabels()[t - 1] : batch.labels();
                double[][] targets = everyStep && batch.stepTargets() != null ? batch.stepTargets()[t - 1] : batch.targets();
                total += loss.lossAndGradient(y, n, outputs, labels, targets, dy);
                if (everyStep) for (int i = 0; i < dy.length; i++) dy[i] /= steps;
                b.assign(w.dOut(), dy);
                b.gemm(true, false, 1.0, w.dOut(), w.h()[t], 1.0, g.tensor(3));
                b.sumRows(w.dOut(), 1.0, g.tensor(4));
                b.gemm(false, false, 1.0, w.dOut(), p.tensor(3), 1.0, dh);
            }
            b.activationBackward(act, w.h()[t], dh); // dh is now dz_t
            b.gemm(true, false, 1.0, dh, w.x()[t - 1], 1.0, g.tensor(0));
            b.gemm(true, false, 1.0, dh, w.h()[t - 1], 1.0, g.tensor(1));
            b.sumRows(dh, 1.0, g.tensor(2));
            if (t > 1) {
                b.gemm(false, false, 1.0, dh, p.tensor(1), 0.0, dhNext);
                Tensor tmp = dh;
                dh = dhNext;
                dhNext = tmp;
            }
        }
        return everyStep ? total / steps : total;
    }
}
