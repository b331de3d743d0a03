package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

import java.util.Locale;
import org.clipbench.kernel.ArrayKernels;
import org.clipbench.kernel.VectorKernels;
import org.clipbench.models.Transformer;
import org.clipbench.tasks.TextCorpus;

/**
 * {"type": "transformer"}: a causal transformer language model on a character-level corpus: dataset (the corpus,
 * gpl-3), length (context, 32), width (d_model, 32), heads (4), depth (blocks, 2), batch (sequences per step, 8),
 * kernels (the matrix products' kernel family: vector, the Vector API, or scalar, plain loops; vector).
 */
public record TransformerSpec(String type, String dataset, Integer length, Integer width, Integer depth, Integer batch, Integer heads,
                              String kernels, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        TextCorpus corpus = TextCorpus.load(or(dataset, "gpl-3"));
        int d = ProblemSpec.sized("width", or(width, 32), 4L * or(width, 32) * or(width, 32));
        int context = ProblemSpec.sized("length", or(length, 32), (long) or(length, 32) * or(length, 32) * or(batch, 8) * or(heads, 4));
        int blocks = ProblemSpec.sized("depth", or(depth, 2), 12L * or(depth, 2) * d * d);
        int sequences = ProblemSpec.sized("batch", or(batch, 8), (long) or(batch, 8) * context * Math.max(4 * d, corpus.vocabularySize()));
        int h = ProblemSpec.sized("heads", or(heads, 4), (long) or(heads, 4) * sequences * context * context);
        if (d % h != 0) throw new IllegalArgumentException("problem.width " + d + " is not a multiple of problem.heads " + h + ": give heads that divide width");
        ArrayKernels k = switch (or(kernels, "vector").toLowerCase(Locale.ROOT)) {
            case "vector" -> VectorKernels.INSTANCE;
            case "scalar" -> ArrayKernels.SCALAR;
            default -> throw new IllegalArgumentException("problem.kernels '" + kernels + "' is unknown: use vector or scalar");
        };
        Transformer model = new Transformer(new Transformer.Config(corpus.vocabularySize(), context, d, h, blocks), k);
        return new CharLanguageModel(model, corpus, sequences);
    }
}
