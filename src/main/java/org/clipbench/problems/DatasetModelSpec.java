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
        var model = switch (kind) {
            case "logistic" -> Models.logistic(d.inputDim());
            case "softmax" -> Models.softmax(d.inputDim(), d.outputDim());
            default -> Models.mlp(d.inputDim(), d.outputDim(), or(depth, 1), or(width, 64),
                    Activation.parse(or(activation, "tanh")), Loss.SOFTMAX_CROSS_ENTROPY);
        };
        return new ModelOnTask(model, d, or(batch, 20), 1);
    }
}
