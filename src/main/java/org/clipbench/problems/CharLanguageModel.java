package org.clipbench.problems;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.models.Batch;
import org.clipbench.models.Transformer;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.tasks.TextCorpus;

/**
 * A character-level language model: the transformer trained on windows of a text corpus. A training step draws
 * `batch` windows of the training part; the held-out metrics are over every non-overlapping window of the held-out
 * tail (the same set for every run and seed): "loss" (mean next-character cross-entropy, nats), "bits_per_char" (the
 * same in bits) and "error_rate" (share of positions whose most likely next character is wrong).
 */
public final class CharLanguageModel implements Problem {
    private final Transformer model;
    private final TextCorpus corpus;
    private final int batch;
    private Batch heldOut;

    public CharLanguageModel(Transformer model, TextCorpus corpus, int batch) {
        if (model.config().vocab() != corpus.vocabularySize()) {
            throw new IllegalArgumentException("transformer has " + model.config().vocab() + " tokens but corpus " + corpus.name() + " has "
                    + corpus.vocabularySize() + " characters");
        }
        if (batch < 1) throw new IllegalArgumentException("problem.batch must be at least 1");
        corpus.requireContext(model.config().context());
        this.model = model;
        this.corpus = corpus;
        this.batch = batch;
    }

    public Transformer model() { return model; }
    public TextCorpus corpus() { return corpus; }

    @Override public String name() { return "transformer@" + corpus.name(); }
    @Override public ParamShape shape() { return model.shape(); }
    @Override public int batchSize() { return batch; }

    @Override
    public void initialize(ParamSet params, SplittableRandom rng) {
        model.initialize(params, rng);
    }

    @Override
    public double lossAndGradient(ParamSet params, SplittableRandom rng, ParamSet grads) {
        return model.lossAndGradient(params, corpus.trainBatch(rng, batch, model.config().context()), grads);
    }

    /** rng is not used: the held-out set is fixed. */
    @Override
    public Map<String, Double> evaluate(ParamSet params, SplittableRandom rng) {
        if (heldOut == null) heldOut = corpus.heldOut(model.config().context());
        double[] le = model.lossAndErrorRate(params, heldOut);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", le[0]);
        m.put("bits_per_char", le[0] / Math.log(2));
        m.put("error_rate", le[1]);
        return m;
    }
}
