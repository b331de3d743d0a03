package org.clipbench.tasks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.clipbench.models.Batch;
import org.clipbench.models.Loss;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * A real dataset shipped in the jar (see datasets/PROVENANCE.md): features standardised with the
 * training split's mean and standard deviation, a fixed 80/20 split from a fixed seed, training batches
 * drawn uniformly with replacement from the training split, evaluation on the whole test split.
 */
public final class DatasetTask implements Task {
    /** The split never changes between runs or seeds: a property of the task, not of the run. */
    static final long SPLIT_SEED = 20130101L;
    static final double TEST_FRACTION = 0.2;

    private final String name;
    private final int classes;
    private final Loss loss;
    private final double[][] trainX;
    private final int[] trainY;
    private final double[][] testX;
    private final int[] testY;

    private DatasetTask(String name, double[][] x, int[] y, int classes, Loss loss) {
        if (loss == Loss.MSE) throw new IllegalArgumentException(name + " is a classification dataset: use ce or bce");
        if (loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY && classes != 2) {
            throw new IllegalArgumentException(name + " has " + classes + " classes: binary cross-entropy needs 2");
        }
        this.name = name;
        this.classes = classes;
        this.loss = loss;
        int n = x.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(SPLIT_SEED);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTest = (int) Math.round(n * TEST_FRACTION);
        testX = new double[nTest][];
        testY = new int[nTest];
        trainX = new double[n - nTest][];
        trainY = new int[n - nTest];
        for (int i = 0; i < n; i++) {
            if (i < nTest) {
                testX[i] = x[order[i]].clone();
                testY[i] = y[order[i]];
            } else {
                trainX[i - nTest] = x[order[i]].clone();
                trainY[i - nTest] = y[order[i]];
            }
        }
        standardise();
    }

    /** "digits" or "breast-cancer", with the loss (ce, or bce for the binary dataset). */
    public static DatasetTask load(String name, Loss loss) {
        try {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "digits" -> fromTable("digits", read("digits.csv.gz", true, 0), 10, loss);
                case "breast-cancer", "breast_cancer" -> fromTable("breast-cancer", read("breast_cancer.csv", false, 1), 2, loss);
                default -> throw new IllegalArgumentException("unknown dataset '" + name + "': use digits or breast-cancer");
            };
        } catch (IOException e) {
            throw new IllegalStateException("cannot read dataset " + name + " from the jar: " + e.getMessage(), e);
        }
    }

    private static Table read(String file, boolean gz, int skipRows) throws IOException {
        InputStream in = DatasetTask.class.getResourceAsStream("/datasets/" + file);
        if (in == null) throw new IOException("resource datasets/" + file + " is missing");
        if (gz) in = new GZIPInputStream(in);
        if (skipRows > 0) {
            // the breast-cancer file starts with a header of another shape (row count, feature count, class names)
            while (skipRows > 0) {
                int c = in.read();
                if (c == '\n' || c < 0) skipRows--;
            }
        }
        try (InputStream stream = in) {
            return Table.read().usingOptions(CsvReadOptions.builder(stream).header(false).build());
        }
    }

    private static DatasetTask fromTable(String name, Table t, int classes, Loss loss) {
        int n = t.rowCount(), features = t.columnCount() - 1;
        double[][] x = new double[n][features];
        int[] y = new int[n];
        for (int j = 0; j < features; j++) {
            var col = t.numberColumn(j);
            for (int i = 0; i < n; i++) x[i][j] = col.getDouble(i);
        }
        var label = t.numberColumn(features);
        for (int i = 0; i < n; i++) y[i] = (int) label.getDouble(i);
        return new DatasetTask(name, x, y, classes, loss);
    }

    private void standardise() {
        int d = trainX[0].length;
        for (int j = 0; j < d; j++) {
            double mean = 0, sq = 0;
            for (double[] r : trainX) mean += r[j];
            mean /= trainX.length;
            for (double[] r : trainX) sq += (r[j] - mean) * (r[j] - mean);
            double std = Math.sqrt(sq / trainX.length);
            if (std == 0) std = 1; // constant pixel: centred, not scaled
            for (double[] r : trainX) r[j] = (r[j] - mean) / std;
            for (double[] r : testX) r[j] = (r[j] - mean) / std;
        }
    }

    public int trainSize() { return trainX.length; }
    public int testSize() { return testX.length; }
    public double[][] trainFeatures() { return trainX; }

    @Override public String name() { return name; }
    @Override public int inputDim() { return trainX[0].length; }
    @Override public int outputDim() { return loss == Loss.SIGMOID_BINARY_CROSS_ENTROPY ? 1 : classes; }
    @Override public Loss loss() { return loss; }

    @Override
    public Batch trainBatch(SplittableRandom rng, int batchSize) {
        double[][] x = new double[batchSize][];
        int[] y = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int k = rng.nextInt(trainX.length);
            x[i] = trainX[k];
            y[i] = trainY[k];
        }
        return Batch.classification(x, y);
    }

    @Override
    public int trainingSetSize() {
        return trainX.length;
    }

    /** Every training example, in order, joins with probability rate (one uniform draw each). */
    @Override
    public Batch poissonTrainBatch(SplittableRandom rng, double rate) {
        if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("Poisson sampling rate " + rate + " must be in (0, 1]");
        java.util.List<Integer> picked = new java.util.ArrayList<>();
        for (int k = 0; k < trainX.length; k++) if (rng.nextDouble() < rate) picked.add(k);
        double[][] x = new double[picked.size()][];
        int[] y = new int[picked.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = trainX[picked.get(i)];
            y[i] = trainY[picked.get(i)];
        }
        return Batch.classification(x, y);
    }

    /** The whole test split (size is ignored: the split is fixed). */
    @Override
    public Batch evalBatch(SplittableRandom rng, int size) {
        return Batch.classification(testX, testY);
    }

    @Override
    public double errorRate(double[] out, Batch batch) {
        int wrong = 0;
        for (int i = 0; i < batch.size(); i++) if (loss.predictClass(out, i, outputDim()) != batch.labels()[i]) wrong++;
        return (double) wrong / batch.size();
    }
}
