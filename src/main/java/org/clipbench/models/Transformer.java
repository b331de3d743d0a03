package org.clipbench.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.TensorSpec;
import org.clipbench.kernel.ArrayKernels;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;

/**
 * A small causal transformer language model (GPT-2's layout): token and learned position embeddings, `layers` pre-LN
 * blocks (x + attn(LN1(x)), then x + mlp(LN2(x))) with multi-head causal self-attention and a GELU MLP (4 x width,
 * GPT-2's tanh form of GELU), a final layer norm and an UNTIED output head (logits = LN_f(x) W_head^T, no output bias;
 * GPT-2 ties W_head to the token embedding, but tied, this small model sat at the unigram loss for 400 steps on the
 * exploration seeds: a tied head must learn the bigram table through the blocks, an untied one reads it off the
 * embedding). The loss is the next-token cross-entropy averaged over every position of every sequence.
 *
 * <p>Forward and backward are written out by hand. Every matrix product goes through one {@link ArrayKernels} family
 * (the Vector API twin by default, the plain-loop twin on request; GradientCheckTest holds them to each other); layer
 * norm, the causal softmax and GELU are plain loops (per row, with exp and tanh, which the Vector API would compute
 * with other last bits once C2 compiles it: runs would not be bit-identical). The parameters are read from their
 * backend once per step and the gradients written back, so the model runs on every backend. In f32 the parameters,
 * gradients and optimizer state are f32 (the backend's storage) and every activation and activation gradient is
 * rounded to f32 as each operation writes it; sums inside an operation accumulate in f64, as the suite's f32 norms do.
 *
 * <p>Batches carry token ids: the input of step t of sequence i is inputs[t][i][0], its target stepLabels[t][i].
 *
 * <p>Tensors (weights out x in: rows are output units): tok.embedding (vocab x width), pos.embedding (context x
 * width); per block l: h{l}.ln1.gain/bias, h{l}.attn.qkv.weight (3 width x width, rows q then k then v, head h at rows
 * h * width/heads of each), h{l}.attn.qkv.bias, h{l}.attn.proj.weight/bias, h{l}.ln2.gain/bias, h{l}.mlp.fc.weight
 * (4 width x width)/bias, h{l}.mlp.proj.weight (width x 4 width)/bias; lnf.gain/bias; head.weight (vocab x width).
 * Layers for per-layer rules: "embed", "h{l}.attn", "h{l}.mlp", "lnf", "head".
 */
public final class Transformer implements Model {
    static final double LN_EPS = 1e-5;
    private static final double GELU_C = Math.sqrt(2 / Math.PI);
    private static final int PER_BLOCK = 12;
    // offsets of a block's tensors from its first one
    private static final int LN1G = 0, LN1B = 1, QKVW = 2, QKVB = 3, PROJW = 4, PROJB = 5, LN2G = 6, LN2B = 7, FCW = 8, FCB = 9, MPW = 10, MPB = 11;

    /** vocab tokens, context positions, width (d_model), heads (dividing width), layers (blocks). */
    public record Config(int vocab, int context, int width, int heads, int layers) {
        public Config {
            if (vocab < 2 || context < 1 || width < 1 || heads < 1 || layers < 1) {
                throw new IllegalArgumentException("transformer: vocab >= 2 and context, width, heads, layers >= 1, got " + this);
            }
            if (width % heads != 0) throw new IllegalArgumentException("transformer: width " + width + " is not a multiple of heads " + heads);
        }

        int headWidth() {
            return width / heads;
        }
    }

    private final Config c;
    private final ArrayKernels k;
    private final ParamShape shape;
    private Work work;

    public Transformer(Config config, ArrayKernels kernels) {
        this.c = config;
        this.k = kernels;
        int d = config.width();
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec("tok.embedding", config.vocab(), d, "embed"));
        specs.add(new TensorSpec("pos.embedding", config.context(), d, "embed"));
        for (int l = 0; l < config.layers(); l++) {
            String h = "h" + l, attn = h + ".attn", mlp = h + ".mlp";
            specs.add(new TensorSpec(h + ".ln1.gain", 1, d, attn));
            specs.add(new TensorSpec(h + ".ln1.bias", 1, d, attn));
            specs.add(new TensorSpec(attn + ".qkv.weight", 3 * d, d, attn));
            specs.add(new TensorSpec(attn + ".qkv.bias", 1, 3 * d, attn));
            specs.add(new TensorSpec(attn + ".proj.weight", d, d, attn));
            specs.add(new TensorSpec(attn + ".proj.bias", 1, d, attn));
            specs.add(new TensorSpec(h + ".ln2.gain", 1, d, mlp));
            specs.add(new TensorSpec(h + ".ln2.bias", 1, d, mlp));
            specs.add(new TensorSpec(mlp + ".fc.weight", 4 * d, d, mlp));
            specs.add(new TensorSpec(mlp + ".fc.bias", 1, 4 * d, mlp));
            specs.add(new TensorSpec(mlp + ".proj.weight", d, 4 * d, mlp));
            specs.add(new TensorSpec(mlp + ".proj.bias", 1, d, mlp));
        }
        specs.add(new TensorSpec("lnf.gain", 1, d, "lnf"));
        specs.add(new TensorSpec("lnf.bias", 1, d, "lnf"));
        specs.add(new TensorSpec("head.weight", config.vocab(), d, "head"));
        this.shape = new ParamShape("transformer", specs);
    }

    public Config config() { return c; }
    @Override public String name() { return "transformer"; }
    @Override public ParamShape shape() { return shape; }
    @Override public Loss loss() { return Loss.SOFTMAX_CROSS_ENTROPY; }
    @Override public int outputDim() { return c.vocab(); }

    private static int block(int l) {
        return 2 + PER_BLOCK * l;
    }

    private int lnf() {
        return block(c.layers());
    }

    private int head() {
        return lnf() + 2;
    }

    /**
     * GPT-2's initialisation: weights and embeddings N(0, 0.02^2), the two projections into the residual stream
     * N(0, (0.02 / sqrt(2 layers))^2), biases 0, layer-norm gains 1.
     */
    @Override
    public void initialize(ParamSet p, SplittableRandom rng) {
        Backend b = p.backend();
        double resid = 0.02 / Math.sqrt(2.0 * c.layers());
        for (int i = 0; i < shape.tensorCount(); i++) {
            String n = shape.tensors().get(i).name();
            int size = (int) shape.tensors().get(i).size();
            if (n.endsWith(".gain")) b.fill(p.tensor(i), 1.0);
            else if (n.endsWith(".bias")) b.fill(p.tensor(i), 0.0);
            else b.assign(p.tensor(i), gaussian(rng, size, n.endsWith("proj.weight") ? resid : 0.02));
        }
    }

    private static double[] gaussian(SplittableRandom rng, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = std * ParamSet.gaussian(rng);
        return v;
    }

    // ------------------------------------------------------------------ workspace

    /** Activations kept for the backward pass, and the backward pass's own buffers, for one batch size and dtype. */
    private static final class Work {
        final int batch, rows;
        final boolean f32;
        final int[] ids, targets;
        final double[][] x; // residual stream entering block l (x[layers] leaves the last block)
        final double[][] ln1, ln1Hat, ln1Rstd, qkv, probs, att, mid, ln2, ln2Hat, ln2Rstd, fcPre, fcAct;
        final double[] lnf, lnfHat, lnfRstd, logits;
        final double[] dx, dA, dQkv, dAtt, dP, dFc, dLogits, dXf;

        Work(Config c, int batch, boolean f32) {
            this.batch = batch;
            this.f32 = f32;
            int n = batch * c.context(), d = c.width(), L = c.layers();
            rows = n;
            ids = new int[n];
            targets = new int[n];
            x = new double[L + 1][n * d];
            ln1 = new double[L][n * d];
            ln1Hat = new double[L][n * d];
            ln1Rstd = new double[L][n];
            qkv = new double[L][n * 3 * d];
            probs = new double[L][batch * c.heads() * c.context() * c.context()];
            att = new double[L][n * d];
            mid = new double[L][n * d];
            ln2 = new double[L][n * d];
            ln2Hat = new double[L][n * d];
            ln2Rstd = new double[L][n];
            fcPre = new double[L][n * 4 * d];
            fcAct = new double[L][n * 4 * d];
            lnf = new double[n * d];
            lnfHat = new double[n * d];
            lnfRstd = new double[n];
            logits = new double[n * c.vocab()];
            dx = new double[n * d];
            dA = new double[n * d];
            dQkv = new double[n * 3 * d];
            dAtt = new double[n * d];
            dP = new double[c.context() * c.context()];
            dFc = new double[n * 4 * d];
            dLogits = new double[n * c.vocab()];
            dXf = new double[n * d];
        }
    }

    private Work work(int batch, DType dtype) {
        boolean f32 = dtype == DType.F32;
        if (work == null || work.batch != batch || work.f32 != f32) work = new Work(c, batch, f32);
        return work;
    }

    /** In f32 every activation is stored as a float: round what an operation just wrote. */
    private static void keep(Work w, double[] a, int off, int len) {
        if (!w.f32) return;
        for (int i = off, end = off + len; i < end; i++) a[i] = (float) a[i];
    }

    private static void keep(Work w, double[] a) {
        keep(w, a, 0, a.length);
    }

    // ------------------------------------------------------------------ forward

    private double[][] read(ParamSet p) {
        double[][] w = new double[p.size()][];
        for (int i = 0; i < p.size(); i++) w[i] = p.backend().toDoubles(p.tensor(i));
        return w;
    }

    private void load(Work w, Batch batch) {
        if (batch.steps() != c.context() || batch.inputDim() != 1) {
            throw new IllegalArgumentException("transformer reads " + c.context() + " token ids per sequence, got " + batch.steps() + " steps of "
                    + batch.inputDim() + " inputs");
        }
        int T = c.context();
        for (int i = 0; i < batch.size(); i++) {
            for (int t = 0; t < T; t++) {
                int id = (int) batch.inputs()[t][i][0];
                if (id < 0 || id >= c.vocab() || id != batch.inputs()[t][i][0]) {
                    throw new IllegalArgumentException("transformer: token id " + batch.inputs()[t][i][0] + " is not in [0, " + c.vocab() + ")");
                }
                w.ids[i * T + t] = id;
                w.targets[i * T + t] = batch.stepLabels() == null ? -1 : batch.stepLabels()[t][i];
            }
        }
    }

    private Work forward(double[][] p, Batch batch, DType dtype) {
        Work w = work(batch.size(), dtype);
        load(w, batch);
        int n = w.rows, d = c.width(), T = c.context();
        double[] x0 = w.x[0];
        for (int r = 0; r < n; r++) {
            int id = w.ids[r], t = r % T;
            for (int j = 0; j < d; j++) x0[r * d + j] = p[0][id * d + j] + p[1][t * d + j];
        }
        keep(w, x0);
        for (int l = 0; l < c.layers(); l++) {
            int o = block(l);
            layerNorm(w, w.x[l], p[o + LN1G], p[o + LN1B], w.ln1Hat[l], w.ln1Rstd[l], w.ln1[l]);
            linear(w, w.ln1[l], d, p[o + QKVW], p[o + QKVB], 3 * d, w.qkv[l]);
            attention(w, w.qkv[l], w.probs[l], w.att[l]);
            linear(w, w.att[l], d, p[o + PROJW], p[o + PROJB], d, w.mid[l]);
            for (int i = 0; i < n * d; i++) w.mid[l][i] += w.x[l][i];
            keep(w, w.mid[l]);
            layerNorm(w, w.mid[l], p[o + LN2G], p[o + LN2B], w.ln2Hat[l], w.ln2Rstd[l], w.ln2[l]);
            linear(w, w.ln2[l], d, p[o + FCW], p[o + FCB], 4 * d, w.fcPre[l]);
            gelu(w, w.fcPre[l], w.fcAct[l]);
            linear(w, w.fcAct[l], 4 * d, p[o + MPW], p[o + MPB], d, w.x[l + 1]);
            for (int i = 0; i < n * d; i++) w.x[l + 1][i] += w.mid[l][i];
            keep(w, w.x[l + 1]);
        }
        layerNorm(w, w.x[c.layers()], p[lnf()], p[lnf() + 1], w.lnfHat, w.lnfRstd, w.lnf);
        k.gemm(false, true, n, c.vocab(), d, 1.0, w.lnf, 0, d, p[head()], 0, d, 0.0, w.logits, 0, c.vocab());
        keep(w, w.logits);
        return w;
    }

    /** y = x W^T + b for n rows of `in` values; W is out x in. */
    private void linear(Work w, double[] x, int in, double[] weight, double[] bias, int out, double[] y) {
        int n = w.rows;
        k.gemm(false, true, n, out, in, 1.0, x, 0, in, weight, 0, in, 0.0, y, 0, out);
        for (int r = 0; r < n; r++) for (int j = 0; j < out; j++) y[r * out + j] += bias[j];
        keep(w, y);
    }

    private void layerNorm(Work w, double[] x, double[] gain, double[] bias, double[] hat, double[] rstd, double[] y) {
        int d = c.width();
        for (int r = 0; r < w.rows; r++) {
            int o = r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) mean += x[o + j];
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) var += (x[o + j] - mean) * (x[o + j] - mean);
            double rs = 1 / Math.sqrt(var / d + LN_EPS);
            rstd[r] = rs;
            for (int j = 0; j < d; j++) {
                hat[o + j] = (x[o + j] - mean) * rs;
                y[o + j] = hat[o + j] * gain[j] + bias[j];
            }
        }
        keep(w, y);
    }

    /** Per sequence and head: P = causal softmax(Q K^T / sqrt(d_head)), out = P V, heads side by side in out. */
    private void attention(Work w, double[] qkv, double[] probs, double[] out) {
        int T = c.context(), d = c.width(), dh = c.headWidth(), H = c.heads();
        double scale = 1 / Math.sqrt(dh);
        for (int b = 0; b < w.batch; b++) {
            for (int h = 0; h < H; h++) {
                int q = b * T * 3 * d + h * dh, kk = q + d, v = q + 2 * d, po = (b * H + h) * T * T;
                k.gemm(false, true, T, T, dh, scale, qkv, q, 3 * d, qkv, kk, 3 * d, 0.0, probs, po, T);
                causalSoftmax(probs, po);
                keep(w, probs, po, T * T);
                k.gemm(false, false, T, dh, T, 1.0, probs, po, T, qkv, v, 3 * d, 0.0, out, b * T * d + h * dh, d);
            }
        }
        keep(w, out);
    }

    /** Row i of the T x T block at off: softmax over columns 0..i, zeros after (a position sees only its past). */
    private void causalSoftmax(double[] s, int off) {
        int T = c.context();
        for (int i = 0; i < T; i++) {
            int row = off + i * T;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) max = Math.max(max, s[row + j]);
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                s[row + j] = Math.exp(s[row + j] - max);
                sum += s[row + j];
            }
            for (int j = 0; j <= i; j++) s[row + j] /= sum;
            for (int j = i + 1; j < T; j++) s[row + j] = 0;
        }
    }

    /** GPT-2's GELU: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    private static void gelu(Work w, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            y[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
        }
        keep(w, y);
    }

    // ------------------------------------------------------------------ loss

    /** Mean next-token cross-entropy over every position; dLogits (when not null) receives its gradient. */
    private double crossEntropy(Work w, double[] dLogits) {
        int V = c.vocab();
        double total = 0;
        for (int r = 0; r < w.rows; r++) {
            int o = r * V, y = w.targets[r];
            if (y < 0 || y >= V) throw new IllegalArgumentException("transformer: target id " + y + " is not in [0, " + V + ")");
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < V; j++) max = Math.max(max, w.logits[o + j]);
            double sum = 0;
            for (int j = 0; j < V; j++) sum += Math.exp(w.logits[o + j] - max);
            double logSum = max + Math.log(sum);
            total += logSum - w.logits[o + y];
            if (dLogits != null) {
                for (int j = 0; j < V; j++) dLogits[o + j] = (Math.exp(w.logits[o + j] - logSum) - (j == y ? 1 : 0)) / w.rows;
            }
        }
        if (dLogits != null) keep(w, dLogits);
        return total / w.rows;
    }

    @Override
    public double[] outputs(ParamSet params, Batch batch) {
        Work w = forward(read(params), batch, params.dtype());
        int V = c.vocab(), T = c.context();
        double[] out = new double[batch.size() * V];
        for (int i = 0; i < batch.size(); i++) System.arraycopy(w.logits, (i * T + T - 1) * V, out, i * V, V);
        return out;
    }

    /** The logits of every position (sequence-major: row i * context + t), for tests of what a position reads. */
    double[] allLogits(ParamSet params, Batch batch) {
        return forward(read(params), batch, params.dtype()).logits.clone();
    }

    /** Held-out numbers of a batch, forward only: {mean cross-entropy, share of positions whose most likely next token is wrong}. */
    public double[] lossAndErrorRate(ParamSet params, Batch batch) {
        Work w = forward(read(params), batch, params.dtype());
        double loss = crossEntropy(w, null);
        int V = c.vocab(), wrong = 0;
        for (int r = 0; r < w.rows; r++) {
            int best = 0;
            for (int j = 1; j < V; j++) if (w.logits[r * V + j] > w.logits[r * V + best]) best = j;
            if (best != w.targets[r]) wrong++;
        }
        return new double[] {loss, (double) wrong / w.rows};
    }

    // ------------------------------------------------------------------ backward

    @Override
    public double lossAndGradient(ParamSet params, Batch batch, ParamSet grads) {
        double[][] p = read(params);
        Work w = forward(p, batch, params.dtype());
        double loss = crossEntropy(w, w.dLogits);
        double[][] g = new double[p.length][];
        for (int i = 0; i < p.length; i++) g[i] = new double[p[i].length];
        backward(w, p, g);
        for (int i = 0; i < g.length; i++) grads.backend().assign(grads.tensor(i), g[i]);
        return loss;
    }

    private void backward(Work w, double[][] p, double[][] g) {
        int n = w.rows, d = c.width(), V = c.vocab(), T = c.context();
        // head: dW = dLogits^T LN_f(x), d LN_f(x) = dLogits W
        k.gemm(true, false, V, d, n, 1.0, w.dLogits, 0, V, w.lnf, 0, d, 0.0, g[head()], 0, d);
        k.gemm(false, false, n, d, V, 1.0, w.dLogits, 0, V, p[head()], 0, d, 0.0, w.dXf, 0, d);
        keep(w, w.dXf);
        java.util.Arrays.fill(w.dx, 0.0);
        layerNormBackward(w, w.dXf, p[lnf()], w.lnfHat, w.lnfRstd, g[lnf()], g[lnf() + 1], w.dx);
        for (int l = c.layers() - 1; l >= 0; l--) {
            int o = block(l);
            // x_{l+1} = mid + mlp(LN2(mid)): w.dx is d x_{l+1}, and flows to mid unchanged
            linearBackward(w, w.fcAct[l], 4 * d, p[o + MPW], d, w.dx, g[o + MPW], g[o + MPB], w.dFc);
            geluBackward(w, w.fcPre[l], w.dFc);
            linearBackward(w, w.ln2[l], d, p[o + FCW], 4 * d, w.dFc, g[o + FCW], g[o + FCB], w.dA);
            layerNormBackward(w, w.dA, p[o + LN2G], w.ln2Hat[l], w.ln2Rstd[l], g[o + LN2G], g[o + LN2B], w.dx);
            // mid = x_l + proj(attn(LN1(x_l))): w.dx is d mid, and flows to x_l unchanged
            linearBackward(w, w.att[l], d, p[o + PROJW], d, w.dx, g[o + PROJW], g[o + PROJB], w.dAtt);
            attentionBackward(w, w.qkv[l], w.probs[l], w.dAtt, w.dQkv);
            linearBackward(w, w.ln1[l], d, p[o + QKVW], 3 * d, w.dQkv, g[o + QKVW], g[o + QKVB], w.dA);
            layerNormBackward(w, w.dA, p[o + LN1G], w.ln1Hat[l], w.ln1Rstd[l], g[o + LN1G], g[o + LN1B], w.dx);
        }
        for (int r = 0; r < n; r++) {
            int id = w.ids[r], t = r % T;
            for (int j = 0; j < d; j++) {
                g[0][id * d + j] += w.dx[r * d + j];
                g[1][t * d + j] += w.dx[r * d + j];
            }
        }
    }

    /** For y = x W^T + b: dW = dy^T x, db = column sums of dy, dx = dy W (overwritten). */
    private void linearBackward(Work w, double[] x, int in, double[] weight, int out, double[] dy, double[] dW, double[] db, double[] dx) {
        int n = w.rows;
        k.gemm(true, false, out, in, n, 1.0, dy, 0, out, x, 0, in, 0.0, dW, 0, in);
        for (int r = 0; r < n; r++) for (int j = 0; j < out; j++) db[j] += dy[r * out + j];
        k.gemm(false, false, n, in, out, 1.0, dy, 0, out, weight, 0, in, 0.0, dx, 0, in);
        keep(w, dx);
    }

    /** y = hat * gain + bias, hat = (x - mean) rstd: dgain, dbias accumulate; dx += rstd (dhat - mean(dhat) - hat mean(dhat hat)). */
    private void layerNormBackward(Work w, double[] dy, double[] gain, double[] hat, double[] rstd, double[] dGain, double[] dBias, double[] dx) {
        int d = c.width();
        for (int r = 0; r < w.rows; r++) {
            int o = r * d;
            double m1 = 0, m2 = 0;
            for (int j = 0; j < d; j++) {
                double dh = dy[o + j] * gain[j];
                m1 += dh;
                m2 += dh * hat[o + j];
                dGain[j] += dy[o + j] * hat[o + j];
                dBias[j] += dy[o + j];
            }
            m1 /= d;
            m2 /= d;
            for (int j = 0; j < d; j++) dx[o + j] += rstd[r] * (dy[o + j] * gain[j] - m1 - hat[o + j] * m2);
        }
        keep(w, dx);
    }

    private static void geluBackward(Work w, double[] x, double[] dy) {
        for (int i = 0; i < x.length; i++) {
            double v = x[i], t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
            dy[i] *= 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * v * v);
        }
        keep(w, dy);
    }

    /** Per sequence and head: dP = dO V^T, dV = P^T dO, dS = P (dP - rowsum(P dP)), dQ = dS K / sqrt(dh), dK = dS^T Q / sqrt(dh). */
    private void attentionBackward(Work w, double[] qkv, double[] probs, double[] dOut, double[] dQkv) {
        int T = c.context(), d = c.width(), dh = c.headWidth(), H = c.heads();
        double scale = 1 / Math.sqrt(dh);
        double[] dS = w.dP;
        for (int b = 0; b < w.batch; b++) {
            for (int h = 0; h < H; h++) {
                int q = b * T * 3 * d + h * dh, kk = q + d, v = q + 2 * d, po = (b * H + h) * T * T, o = b * T * d + h * dh;
                k.gemm(false, true, T, T, dh, 1.0, dOut, o, d, qkv, v, 3 * d, 0.0, dS, 0, T);
                k.gemm(true, false, T, dh, T, 1.0, probs, po, T, dOut, o, d, 0.0, dQkv, v, 3 * d);
                for (int i = 0; i < T; i++) {
                    int row = i * T;
                    double s = 0;
                    for (int j = 0; j <= i; j++) s += probs[po + row + j] * dS[row + j];
                    for (int j = 0; j <= i; j++) dS[row + j] = probs[po + row + j] * (dS[row + j] - s);
                    for (int j = i + 1; j < T; j++) dS[row + j] = 0;
                }
                keep(w, dS);
                k.gemm(false, false, T, dh, T, scale, dS, 0, T, qkv, kk, 3 * d, 0.0, dQkv, q, 3 * d);
                k.gemm(true, false, T, dh, T, scale, dS, 0, T, qkv, q, 3 * d, 0.0, dQkv, kk, 3 * d);
            }
        }
        keep(w, dQkv);
    }
}
