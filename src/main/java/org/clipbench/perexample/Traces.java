package org.clipbench.perexample;

import java.util.List;
import java.util.Map;
import org.clipbench.backend.Backend;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.params.ParamSet;

/** What every method does with a pass's layers: match them to the parameters, screen them, form gradients from them. */
final class Traces {
    private Traces() {
    }

    /** The model's layers in the order of the parameter set's layers (the order a DP rule's per-layer norms take). */
    static List<LayerTrace> ordered(LinearLayers model) {
        List<LayerTrace> traces = model.traces();
        Map<String, List<Integer>> layers = model.params().layers();
        if (traces.size() != layers.size()) {
            throw new IllegalArgumentException("the model reports " + traces.size() + " linear layers but its parameters form " + layers.size()
                    + " layers " + layers.keySet() + ": every parameter must belong to a linear layer");
        }
        int l = 0;
        for (Map.Entry<String, List<Integer>> layer : layers.entrySet()) {
            LayerTrace t = traces.get(l++);
            if (!layer.getValue().equals(List.of(t.weight(), t.bias()))) {
                throw new IllegalArgumentException("layer " + layer.getKey() + " holds tensors " + layer.getValue() + ", but the model's layer "
                        + (l - 1) + " is weight " + t.weight() + " and bias " + t.bias());
            }
        }
        return traces;
    }

    /**
     * The largest |entry| of each example's rows of each layer's input and output gradient, and whether every one is
     * finite and small enough that no entry of any per-example gradient can overflow the dtype (|g| <= T max|a| max|delta|).
     * A batch that fails is clipped the materialised way: the rule then sees the per-example gradients themselves, so its
     * non-finite policy and its overflow rescue mean exactly what they mean for the strategies.
     */
    record Screen(double[][] maxInput, double[][] maxOutputGradient, boolean safe) {
    }

    static Screen screen(List<LayerTrace> traces, Backend b, DType dtype) {
        double limit = (dtype == DType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE) / 4;
        double[][] maxA = new double[traces.size()][], maxD = new double[traces.size()][];
        boolean safe = true;
        for (int l = 0; l < traces.size(); l++) {
            LayerTrace t = traces.get(l);
            int n = t.examples(), T = t.positions();
            maxA[l] = new double[n];
            maxD[l] = new double[n];
            for (int i = 0; i < n; i++) {
                maxA[l][i] = b.normInf(b.rows(t.input(), i * T, T));
                maxD[l][i] = b.normInf(b.rows(t.outputGradient(), i * T, T));
                double entries = T * maxA[l][i] * maxD[l][i], biasEntries = T * maxD[l][i];
                if (!(entries < limit && biasEntries < limit)) safe = false; // NaN and Inf fail too
            }
        }
        return new Screen(maxA, maxD, safe);
    }

    /** Every example's own gradient, delta_i^T a_i and the sum of delta_i's rows per layer, as parameter sets. */
    static List<ParamSet> perExampleGradients(List<LayerTrace> traces, ParamSet like, Workspace ws) {
        Backend b = like.backend();
        int n = traces.get(0).examples();
        List<ParamSet> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ParamSet g = ws.zerosLike(like);
            for (LayerTrace t : traces) {
                int T = t.positions();
                Tensor a = b.rows(t.input(), i * T, T), delta = b.rows(t.outputGradient(), i * T, T);
                b.gemm(true, false, 1.0, delta, a, 0.0, g.tensor(t.weight()));
                b.sumRows(delta, 0.0, g.tensor(t.bias()));
            }
            out.add(g);
        }
        return out;
    }

    /**
     * Book-keeping's clipped sum (Bu et al. 2023): per layer, sum_i f_i delta_i^T a_i = (f . delta)^T a with each example's
     * rows of delta scaled by its factor, one matrix product over the whole batch; the bias, the column sums of f . delta.
     * Scales the output gradients in place.
     */
    static void clippedSum(List<LayerTrace> traces, double[][] layerFactors, ParamSet out) {
        Backend b = out.backend();
        for (int l = 0; l < traces.size(); l++) {
            LayerTrace t = traces.get(l);
            int T = t.positions();
            double[] rows = new double[t.input().rows()];
            for (int i = 0; i < t.examples(); i++) java.util.Arrays.fill(rows, i * T, (i + 1) * T, layerFactors[i][l]);
            b.scaleRows(t.outputGradient(), rows);
            b.gemm(true, false, 1.0, t.outputGradient(), t.input(), 0.0, out.tensor(t.weight()));
            b.sumRows(t.outputGradient(), 0.0, out.tensor(t.bias()));
        }
    }

    /** Weight 1 for each of n examples: each example's own gradient. */
    static double[] ones(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        return w;
    }
}
