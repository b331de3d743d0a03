package org.clipbench.experiments;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Locale;
import org.clipbench.kernel.Activation;
import org.clipbench.models.ElmanRnn;
import org.clipbench.models.Loss;
import org.clipbench.models.Models;
import org.clipbench.problems.CliffNeuron;
import org.clipbench.problems.ModelOnTask;
import org.clipbench.problems.NoisyQuadratic;
import org.clipbench.problems.Problem;
import org.clipbench.problems.ScalarMean;
import org.clipbench.problems.ScaledLoss;
import org.clipbench.problems.SmoothFunction;
import org.clipbench.tasks.DatasetTask;
import org.clipbench.tasks.NoiseDistribution;
import org.clipbench.tasks.PathologicalTask;

/**
 * The problem of a sweep, as written in its JSON file. type: "rnn" (task temporal-order,
 * temporal-order-3bit, addition, multiplication; length, hidden, activation, init, everyStep),
 * "mlp" / "logistic" / "softmax" (dataset digits or breast-cancer; depth, width, activation),
 * "cliff" (w0, b0), "smooth" (function cosh2 or poly4, x0), "quadratic" (dim, start, noise, noiseScale),
 * "mean" (noise law or "two-point", noiseScale, x0, batch). lossScale (any type) multiplies the training loss.
 * Every run builds its own instance (models keep per-run work buffers).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ProblemSpec(String type, String task, Integer length, Integer hidden, String activation, String init,
                          Boolean everyStep, String dataset, Integer depth, Integer width, Integer batch, Integer eval,
                          Double w0, Double b0, String function, Double x0, Integer dim, Double start, String noise,
                          Double noiseScale, Double lossScale) {

    private static <T> T or(T v, T d) {
        return v != null ? v : d;
    }

    /** A new problem instance; IllegalArgumentException naming the field for anything invalid. */
    public Problem build() {
        Problem p = buildUnscaled();
        return lossScale == null || lossScale == 1.0 ? p : new ScaledLoss(p, lossScale);
    }

    private Problem buildUnscaled() {
        if (type == null) throw new IllegalArgumentException("problem.type is missing: use rnn, mlp, logistic, softmax, cliff, smooth, quadratic or mean");
        int b = or(batch, 20);
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "rnn" -> {
                if (task == null) throw new IllegalArgumentException("problem.task is missing for rnn: use temporal-order, temporal-order-3bit, addition or multiplication");
                PathologicalTask t = new PathologicalTask(PathologicalTask.parseKind(task), or(length, 50));
                ElmanRnn rnn = new ElmanRnn(t.inputDim(), or(hidden, 50), t.outputDim(), Activation.parse(or(activation, "tanh")),
                        t.loss(), or(everyStep, false), ElmanRnn.Init.parse(or(init, "smart")));
                yield new ModelOnTask(rnn, t, b, or(eval, 10_000));
            }
            case "mlp", "logistic", "softmax" -> {
                if (dataset == null) throw new IllegalArgumentException("problem.dataset is missing: use digits or breast-cancer");
                boolean logistic = type.equalsIgnoreCase("logistic");
                DatasetTask d = DatasetTask.load(dataset, logistic ? Loss.SIGMOID_BINARY_CROSS_ENTROPY : Loss.SOFTMAX_CROSS_ENTROPY);
                var model = switch (type.toLowerCase(Locale.ROOT)) {
                    case "logistic" -> Models.logistic(d.inputDim());
                    case "softmax" -> Models.softmax(d.inputDim(), d.outputDim());
                    default -> Models.mlp(d.inputDim(), d.outputDim(), or(depth, 1), or(width, 64),
                            Activation.parse(or(activation, "tanh")), Loss.SOFTMAX_CROSS_ENTROPY);
                };
                yield new ModelOnTask(model, d, b, 1);
            }
            case "cliff" -> CliffNeuron.paper(or(w0, 5.0), or(b0, -2.6));
            case "smooth" -> new SmoothFunction(SmoothFunction.parseKind(or(function, "cosh2")), or(x0, 5.0));
            case "quadratic" -> new NoisyQuadratic(or(dim, 100), or(start, 0.01),
                    NoiseDistribution.parse(or(noise, "gaussian"), or(noiseScale, 1.0)));
            case "mean" -> {
                String law = or(noise, "two-point");
                yield new ScalarMean(law.equalsIgnoreCase("two-point") ? null : NoiseDistribution.parse(law, or(noiseScale, 1.0)),
                        or(x0, 1.0), or(batch, law.equalsIgnoreCase("two-point") ? 2 : 1));
            }
            default -> throw new IllegalArgumentException("unknown problem.type '" + type
                    + "': use rnn, mlp, logistic, softmax, cliff, smooth, quadratic or mean");
        };
    }
}
