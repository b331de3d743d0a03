package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

import org.clipbench.kernel.Activation;
import org.clipbench.models.ElmanRnn;
import org.clipbench.tasks.PathologicalTask;

/**
 * {"type": "rnn"}: an Elman RNN on a pathological task of Hochreiter and Schmidhuber (task temporal-order,
 * temporal-order-3bit, addition or multiplication; length 50), hidden units (50), activation (tanh), init
 * (smart), everyStep (a loss at every step, false), batch (20) and eval samples (10000).
 */
public record RnnSpec(String type, String task, Integer length, Integer hidden, String activation, String init, Boolean everyStep,
                      Integer batch, Integer eval, Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        if (task == null) throw new IllegalArgumentException("problem.task is missing for rnn: use temporal-order, temporal-order-3bit, addition or multiplication");
        int hiddenUnits = ProblemSpec.sized("hidden", or(hidden, 50), (long) or(hidden, 50) * or(hidden, 50));
        int steps = ProblemSpec.sized("length", or(length, 50), (long) or(length, 50) * hiddenUnits * or(batch, 20));
        PathologicalTask t = new PathologicalTask(PathologicalTask.parseKind(task), steps);
        ElmanRnn rnn = new ElmanRnn(t.inputDim(), hiddenUnits, t.outputDim(), Activation.parse(or(activation, "tanh")),
                t.loss(), or(everyStep, false), ElmanRnn.Init.parse(or(init, "smart")));
        return new ModelOnTask(rnn, t, ProblemSpec.sized("batch", or(batch, 20), (long) or(batch, 20) * steps * hiddenUnits), or(eval, 10_000));
    }
}
