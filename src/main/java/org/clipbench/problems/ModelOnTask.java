package org.clipbench.problems;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.models.Batch;
import org.clipbench.models.Model;
import org.clipbench.params.ParamSet;
import org.clipbench.params.ParamShape;
import org.clipbench.tasks.Task;

/** A model trained on a task with minibatches: the problem behind every neural-network run. */
public final class ModelOnTask implements Problem {
    private final Model model;
    private final Task task;
    private final int batchSize;
    private final int evalSize;

    /** evalSize: fresh sequences per evaluation for generated tasks; datasets always use their test split. */
    public ModelOnTask(Model model, Task task, int batchSize, int evalSize) {
        if (model.outputDim() != task.outputDim()) {
            throw new IllegalArgumentException(model.name() + " has " + model.outputDim() + " outputs but task " + task.name()
                    + " needs " + task.outputDim());
        }
        if (model.loss() != task.loss()) {
            throw new IllegalArgumentException(model.name() + " trains with " + model.loss() + " but task " + task.name()
                    + " uses " + task.loss());
        }
        if (batchSize < 1 || evalSize < 1) throw new IllegalArgumentException("batch and evaluation sizes must be positive");
        this.model = model;
        this.task = task;
        this.batchSize = batchSize;
        this.evalSize = evalSize;
    }

    public Model model() { return model; }
    public Task task() { return task; }

    @Override public String name() { return model.name() + "@" + task.name(); }
    @Override public ParamShape shape() { return model.shape(); }
    @Override public int batchSize() { return batchSize; }
    @Override public boolean supportsPerExample() { return true; }

    @Override
    public void initialize(ParamSet params, SplittableRandom rng) {
        model.initialize(params, rng);
    }

    @Override
    public double lossAndGradient(ParamSet params, SplittableRandom rng, ParamSet grads) {
        return model.lossAndGradient(params, task.trainBatch(rng, batchSize), grads);
    }

    @Override
    public double perExampleGradients(ParamSet params, SplittableRandom rng, List<ParamSet> out) {
        return model.perExampleGradients(params, task.trainBatch(rng, batchSize), out);
    }

    /**
     * Loss of the final outputs and error rate on a held-out batch; "success" is 1 when fewer than 1% are
     * wrong (Pascanu et al.). For an RNN with outputs at every step the loss is that of the last step.
     */
    @Override
    public Map<String, Double> evaluate(ParamSet params, SplittableRandom rng) {
        Batch eval = task.evalBatch(rng, evalSize);
        // one forward pass: the loss of the final outputs, computed from them (no backward pass, no gradient buffers)
        double[] out = model.outputs(params, eval);
        double loss = model.loss().lossAndGradient(out, eval.size(), model.outputDim(), eval.labels(), eval.targets(),
                new double[out.length]);
        double error = task.errorRate(out, eval);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("error_rate", error);
        m.put("success", error < 0.01 ? 1.0 : 0.0);
        return m;
    }
}
