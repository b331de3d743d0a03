package org.clipbench.problems;

import static org.clipbench.problems.ProblemSpec.or;

import java.util.Locale;
import org.clipbench.kernel.Activation;
import org.clipbench.models.Loss;
import org.clipbench.models.Models;
import org.clipbench.tasks.DatasetTask;

/**
 * {"type": "mlp" | "logistic" | "softmax"}: a model on a real data set (dataset digits or breast-cancer):
 * an MLP of depth hidden layers (1) of width units (64) with activation (tanh), logistic regression or
 * softmax regression; batch (20).
 */
public record DatasetModelSpec(String type, String dataset, Integer depth, Integer width, String activation, Integer batch,
                               Double lossScale) implements ProblemSpec {
    @Override
    public Problem buildUnscaled() {
        if (dataset == null) throw new IllegalArgumentException("problem.dataset is missing: use digits or breast-cancer");
        String kind = type.toLowerCase(Locale.ROOT);
        boolean logistic = kind.equals("logistic");
        DatasetTask d = DatasetTask.load(dataset, logistic ? Loss.SIGMOID_BINARY_CROSS_ENTROPY : Loss.SOFTMAX_CROSS_ENTROPY);
        // width first: a huge width is the likelier mistake than a depth that a sane width makes too big
        int units = ProblemSpec.sized("width", or(width, 64), (long) or(width, 64) * Math.max(or(width, 64), d.inputDim()));
        int layers = ProblemSpec.sized("depth", or(depth, 1), (long) or(depth, 1) * units * units);
        var model = switch (kind) {
            case "logistic" -> Models.logistic(d.inputDim());
            case "softmax" -> Models.softmax(d.inputDim(), d.outputDim());
            default -> Models.mlp(d.inputDim(), d.outputDim(), layers, units, Activation.parse(or(activation, "tanh")), Loss.SOFTMAX_CROSS_ENTROPY);
        };
        long perExample = kind.equals("mlp") ? Math.max(units, d.inputDim()) : d.inputDim();
        return new ModelOnTask(model, d, ProblemSpec.sized("batch", or(batch, 20), or(batch, 20) * perExample), 1);
    }
}
