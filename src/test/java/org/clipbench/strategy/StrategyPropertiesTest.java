package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.backend.TensorSpec;

/** Invariants over random gradients (arrays backend, f64). */
class StrategyPropertiesTest {

    /** 1..4 tensors of 1..40 entries, magnitudes 1e-6..1e6 of random sign, some exact zeros and -0.0. */
    @Provide
    Arbitrary<List<double[]>> gradients() {
        Arbitrary<Double> v = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, Arbitraries.integers().between(-6, 6).flatMap(e ->
                        Arbitraries.doubles().between(-10, 10).map(m -> m * Math.pow(10, e)))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0.0, -0.0)));
        return v.array(double[].class).ofMinSize(1).ofMaxSize(40).list().ofMinSize(1).ofMaxSize(4);
    }

    static ParamSet set(List<double[]> values) {
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) specs.add(new TensorSpec("t" + i, 1, values.get(i).length, "l" + (i / 2)));
        return ParamSet.of(Grads.ARRAYS, new ParamShape("p", specs), DType.F64, Layout.SEPARATE, values);
    }

    static double globalNorm(ParamSet g) {
        return GradNorms.global(g, 2, NormKind.SAFE);
    }

    @Property(tries = 300)
    void clippedGlobalNormNeverExceedsTheThreshold(@ForAll("gradients") List<double[]> values,
                                                  @ForAll @net.jqwik.api.constraints.Scale(4) @DoubleRange(min = 1e-3, max = 1e3) double c) {
        for (String p : new String[] {"2", "1", "inf"}) {
            ParamSet g = set(values);
            Strategies.gradient("global-norm:c=" + c + ",p=" + p).clip(g, ClipContext.defaults());
            double n = GradNorms.global(g, p.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(p), NormKind.SAFE);
            assertThat(n).as("p=%s", p).isLessThanOrEqualTo(c * (1 + 1e-12));
        }
    }

    @Property(tries = 300)
    void normStrategiesPreserveDirection(@ForAll("gradients") List<double[]> values,
                                         @ForAll @net.jqwik.api.constraints.Scale(4) @DoubleRange(min = 1e-3, max = 10) double c) {
        for (String spec : new String[] {"global-norm:c=" + c, "per-tensor:c=" + c, "per-layer:c=" + c,
                "renorm", "autoclip:p=10", "rms-update:d=" + c}) {
            ParamSet g = set(values);
            Strategies.gradient(spec).clip(g, ClipContext.defaults());
            for (int t = 0; t < values.size(); t++) {
                double[] x = values.get(t), y = Grads.t(g, t);
                double dot = 0, nx = 0, ny = 0;
                for (int i = 0; i < x.length; i++) {
                    dot += x[i] * y[i];
                    nx += x[i] * x[i];
                    ny += y[i] * y[i];
                    assertThat(Math.signum(y[i]) == Math.signum(x[i]) || y[i] == 0).as("%s sign", spec).isTrue();
                }
                if (nx > 0 && ny > 0) {
                    assertThat(dot / Math.sqrt(nx * ny)).as("%s cosine", spec).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
                }
            }
        }
    }

    @Property(tries = 300)
    void valueClippedEntriesLieInTheRangeAndOthersKeepTheirBits(@ForAll("gradients") List<double[]> values,
                                                               @ForAll @net.jqwik.api.constraints.Scale(4) @DoubleRange(min = 1e-3, max = 1e3) double c) {
        ParamSet g = set(values);
        Strategies.gradient("value:c=" + c).clip(g, ClipContext.defaults());
        for (int t = 0; t < values.size(); t++) {
            double[] x = values.get(t), y = Grads.t(g, t);
            for (int i = 0; i < x.length; i++) {
                assertThat(Math.abs(y[i])).isLessThanOrEqualTo(c);
                if (Math.abs(x[i]) <= c) {
                    assertThat(Double.doubleToRawLongBits(y[i])).isEqualTo(Double.doubleToRawLongBits(x[i]));
                }
            }
        }
    }

    @Property(tries = 200)
    void perTensorAndPerLayerActIndependently(@ForAll("gradients") List<double[]> values,
                                              @ForAll @net.jqwik.api.constraints.Scale(4) @DoubleRange(min = 1e-3, max = 10) double c) {
        ParamSet all = set(values);
        Strategies.gradient("per-tensor:c=" + c).clip(all, ClipContext.defaults());
        for (int t = 0; t < values.size(); t++) {
            ParamSet alone = set(List.of(values.get(t)));
            Strategies.gradient("per-tensor:c=" + c).clip(alone, ClipContext.defaults());
            assertThat(Grads.t(all, t)).containsExactly(Grads.t(alone, 0));
            assertThat(GradNorms.global(alone, 2, NormKind.SAFE)).isLessThanOrEqualTo(c * (1 + 1e-12));
        }
        ParamSet layered = set(values);
        Strategies.gradient("per-layer:c=" + c).clip(layered, ClipContext.defaults());
        for (List<Integer> members : layered.layers().values()) {
            List<double[]> sub = new ArrayList<>();
            for (int i : members) sub.add(values.get(i));
            ParamSet alone = set(sub);
            Strategies.gradient("global-norm:c=" + c + ",eps=0").clip(alone, ClipContext.defaults());
            for (int k = 0; k < members.size(); k++) {
                assertThat(Grads.t(layered, members.get(k))).containsExactly(Grads.t(alone, k));
            }
        }
    }

    @Provide
    Arbitrary<double[][]> matrixPair() {
        Arbitrary<Double> v = Arbitraries.integers().between(-4, 4).flatMap(e ->
                Arbitraries.doubles().between(-10, 10).map(m -> m * Math.pow(10, e)));
        return Arbitraries.integers().between(1, 6).flatMap(rows -> Arbitraries.integers().between(1, 9).flatMap(cols ->
                Combinators.combine(v.array(double[].class).ofSize(rows * cols), v.array(double[].class).ofSize(rows * cols))
                        .as((g, w) -> new double[][] {g, w, {rows, cols}})));
    }

    @Property(tries = 300)
    void agcUnitRatiosHoldAfterClipping(@ForAll("matrixPair") double[][] gw,
                                        @ForAll @net.jqwik.api.constraints.Scale(4) @DoubleRange(min = 1e-3, max = 1) double lambda) {
        int rows = (int) gw[2][0], cols = (int) gw[2][1];
        ParamShape shape = new ParamShape("m", List.of(new TensorSpec("w", rows, cols, "w")));
        ParamSet g = ParamSet.of(Grads.ARRAYS, shape, DType.F64, Layout.SEPARATE, List.of(gw[0]));
        ParamSet w = ParamSet.of(Grads.ARRAYS, shape, DType.F64, Layout.SEPARATE, List.of(gw[1]));
        Strategies.gradient("agc:lambda=" + lambda).clip(g, ClipContext.defaults().withParams(w));
        double[] gn = new double[rows], wn = new double[rows];
        Grads.ARRAYS.rowNorms2(g.tensor(0), NormKind.SAFE, gn);
        Grads.ARRAYS.rowNorms2(w.tensor(0), NormKind.SAFE, wn);
        for (int r = 0; r < rows; r++) {
            double max = lambda * Math.max(wn[r], 1e-3);
            assertThat(gn[r]).as("row %d", r).isLessThanOrEqualTo(Math.max(max, 1e-6) * (1 + 1e-12));
        }
    }

    @Property(tries = 200)
    void dpPerExampleNormsAreBoundedBeforeNoise(@ForAll("gradients") List<double[]> values,
                                                @ForAll @net.jqwik.api.constraints.Scale(4) @DoubleRange(min = 1e-3, max = 10) double c) {
        List<ParamSet> batch = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            List<double[]> scaled = new ArrayList<>();
            for (double[] v : values) {
                double[] s = v.clone();
                for (int i = 0; i < s.length; i++) s[i] *= (e + 1);
                scaled.add(s);
            }
            batch.add(set(scaled));
        }
        Strategies.perExample("dp-flat:C=" + c + ",sigma=0").clipAndAggregate(batch, batch.get(0).zerosLike(), ClipContext.defaults());
        for (ParamSet ex : batch) {
            assertThat(globalNorm(ex)).isLessThanOrEqualTo(c * (1 + 1e-12));
        }
    }

    @Property(tries = 200)
    void aStrategyThatDoesNotClipChangesNoBit(@ForAll("gradients") List<double[]> values) {
        double big = 1e300;
        for (String spec : new String[] {"none", "value:c=" + big, "per-tensor:c=" + big, "per-layer:c=" + big,
                "global-norm:c=" + big, "global-norm:c=" + big + ",p=1", "global-norm:c=" + big + ",p=inf",
                "average-norm:c=" + big, "rms-update:d=" + big, "autoclip:p=100", "zclip:maxNorm=" + big}) {
            ParamSet g = set(values);
            ClipReport r = Strategies.gradient(spec).clip(g, ClipContext.defaults());
            assertThat(r.clipped()).as(spec).isFalse();
            for (int t = 0; t < values.size(); t++) {
                assertThat(Grads.bits(Grads.t(g, t))).as(spec).containsExactly(Grads.bits(values.get(t)));
            }
        }
    }
}
