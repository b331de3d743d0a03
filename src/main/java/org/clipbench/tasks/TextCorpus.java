package org.clipbench.tasks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.clipbench.models.Batch;

/**
 * A real English text shipped in the jar (datasets/PROVENANCE.md), tokenised by character: the vocabulary is the
 * sorted set of the characters of the whole text, so a token id means the same character in every run. The split is
 * fixed: the first {@link #TRAIN_FRACTION} of the characters train, the rest is held out (a contiguous tail, so no
 * held-out window overlaps a training one). A training batch is `batch` windows of context + 1 characters starting
 * at uniform positions of the training part; the held-out set is every non-overlapping window of the tail.
 *
 * <p>Batches carry the token id as the one input of each step (inputs[t][i][0]) and the next character as the label
 * of each step (stepLabels[t][i]): a language model reads ids, not one-hot vectors.
 */
public final class TextCorpus {
    /** Share of the text (from its start) used for training; the held-out tail is the rest. */
    public static final double TRAIN_FRACTION = 0.9;

    private final String name;
    private final char[] vocabulary;
    private final int[] train;
    private final int[] heldOut;

    private TextCorpus(String name, String text) {
        this.name = name;
        TreeSet<Character> chars = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) chars.add(text.charAt(i));
        vocabulary = new char[chars.size()];
        int k = 0;
        for (char c : chars) vocabulary[k++] = c;
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = java.util.Arrays.binarySearch(vocabulary, text.charAt(i));
        int cut = (int) Math.round(ids.length * TRAIN_FRACTION);
        train = java.util.Arrays.copyOfRange(ids, 0, cut);
        heldOut = java.util.Arrays.copyOfRange(ids, cut, ids.length);
    }

    /** The corpora by name: "gpl-3" (the GNU GPL version 3 as Debian's base-files ships it). */
    public static TextCorpus load(String name) {
        String file = switch (name.toLowerCase(Locale.ROOT)) {
            case "gpl-3", "gpl3" -> "gpl-3.txt";
            default -> throw new IllegalArgumentException("unknown corpus '" + name + "': use gpl-3");
        };
        try (InputStream in = TextCorpus.class.getResourceAsStream("/datasets/" + file)) {
            if (in == null) throw new IllegalStateException("resource datasets/" + file + " is missing from the jar");
            return new TextCorpus(name.toLowerCase(Locale.ROOT), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read corpus " + name + " from the jar: " + e.getMessage(), e);
        }
    }

    /** A corpus of the given text (tests). */
    public static TextCorpus of(String name, String text) {
        if (text.length() < 20) throw new IllegalArgumentException("corpus " + name + " needs at least 20 characters");
        return new TextCorpus(name, text);
    }

    public String name() { return name; }
    public int vocabularySize() { return vocabulary.length; }
    public int trainLength() { return train.length; }
    public int heldOutLength() { return heldOut.length; }

    /** The character of a token id. */
    public char character(int id) {
        return vocabulary[id];
    }

    /** The training part's longest window is context + 1 characters; IllegalArgumentException naming the fix if not. */
    public void requireContext(int context) {
        if (context + 1 > heldOut.length || context + 1 > train.length) {
            throw new IllegalArgumentException("problem.length " + context + " exceeds what corpus " + name + " holds ("
                    + heldOut.length + " held-out characters): give a shorter context");
        }
    }

    /** `batch` windows at uniform start positions of the training part (one rng draw each). */
    public Batch trainBatch(SplittableRandom rng, int batch, int context) {
        int[] starts = new int[batch];
        for (int i = 0; i < batch; i++) starts[i] = rng.nextInt(train.length - context);
        return windows(train, starts, context);
    }

    /** Every non-overlapping window of the held-out tail, in order: the same set for every run. */
    public Batch heldOut(int context) {
        int n = (heldOut.length - 1) / context;
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) starts[i] = i * context;
        return windows(heldOut, starts, context);
    }

    private static Batch windows(int[] ids, int[] starts, int context) {
        double[][][] x = new double[context][starts.length][1];
        int[][] next = new int[context][starts.length];
        for (int i = 0; i < starts.length; i++) {
            for (int t = 0; t < context; t++) {
                x[t][i][0] = ids[starts[i] + t];
                next[t][i] = ids[starts[i] + t + 1];
            }
        }
        return new Batch(x, null, null, next, null);
    }
}
