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
    private final boolean poisson;
    private double lastLoss = Double.NaN; // the loss reported for an empty Poisson lot (no example, no new loss)

    /** evalSize: fresh sequences per evaluation for generated tasks; datasets always use their test split. */
    public ModelOnTask(Model model, Task task, int batchSize, int evalSize) {
        this(model, task, batchSize, evalSize, false);
    }

    private ModelOnTask(Model model, Task task, int batchSize, int evalSize, boolean poisson) {
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
        this.poisson = poisson;
        if (poisson && batchSize > task.trainingSetSize()) {
            throw new IllegalArgumentException("Poisson sampling: the expected lot " + batchSize + " exceeds the " + task.trainingSetSize()
                    + " training examples of " + task.name() + "; give a smaller batch");
        }
    }

    /** Lots with each of the task's training examples joining with probability batch / training set size. */
    @Override
    public Problem withPoissonSampling() {
        if (task.trainingSetSize() == 0) return Problem.super.withPoissonSampling();
        return new ModelOnTask(model, task, batchSize, evalSize, true);
    }

    @Override
    public int trainingSetSize() {
        return task.trainingSetSize();
    }

    /** The Poisson rate: the expected lot over the training set. */
    public double samplingRate() {
        return (double) batchSize / task.trainingSetSize();
    }

    private Batch trainBatch(SplittableRandom rng) {
        return poisson ? task.poissonTrainBatch(rng, samplingRate()) : task.trainBatch(rng, batchSize);
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

    /** An empty Poisson lot has no loss and a zero gradient: the last lot's loss is reported again. */
    @Override
    public double lossAndGradient(ParamSet params, SplittableRandom rng, ParamSet grads) {
        Batch b = trainBatch(rng);
        if (b.size() == 0) {
            for (int i = 0; i < grads.size(); i++) grads.backend().fill(grads.tensor(i), 0);
            return lastLoss;
        }
        return lastLoss = model.lossAndGradient(params, b, grads);
    }

    @Override
    public double perExampleGradients(ParamSet params, SplittableRandom rng, List<ParamSet> out) {
        return perExampleLot(params, rng, out).meanLoss();
    }

    @Override
    public Lot perExampleLot(ParamSet params, SplittableRandom rng, List<ParamSet> out) {
        Batch b = trainBatch(rng);
        while (out.size() < b.size()) out.add(out.get(0).zerosLike());
        if (b.size() == 0) return new Lot(0, lastLoss);
        lastLoss = model.perExampleGradients(params, b, out.subList(0, b.size()));
        return new Lot(b.size(), lastLoss);
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
