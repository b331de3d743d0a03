package org.clipbench.accuracy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.clipbench.backend.DType;

/**
 * The entries of one accuracy gradient, generated block by block from a seed and never held whole: entry i
 * of block b = i / {@link #BLOCK} is drawn by the law from a generator seeded with (seed, b), so any block can be
 * made again on its own and every consumer (a backend's tensor, the exact reference, a peer reading the bytes)
 * sees the same values. Each value is rounded to the storage dtype (f32 and the 16-bit types through float, as a
 * framework casting an f32 gradient does) and handed over as the double it then is, exactly.
 */
public record GradientStream(ValueLaw law, DType dtype, long n, long seed) {
    /** Entries per generated block. */
    public static final int BLOCK = 1 << 16;

    public GradientStream {
        if (n < 1 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a gradient of " + n + " entries: sizes run from 1 to 2^31 - 9 (one Java array)");
        }
    }

    /** What a stream hands over: entries [start, start + count) as values[0, count). */
    @FunctionalInterface
    public interface Consumer {
        void accept(long start, double[] values, int count) throws IOException;
    }

    public void forEachBlock(Consumer consumer) throws IOException {
        double[] values = new double[(int) Math.min(BLOCK, n)];
        for (long start = 0, block = 0; start < n; start += BLOCK, block++) {
            int count = (int) Math.min(BLOCK, n - start);
            law.fill(new SplittableRandom(blockSeed(block)), start, values, count, n, dtype);
            for (int i = 0; i < count; i++) values[i] = stored(values[i], dtype);
            consumer.accept(start, values, count);
        }
    }

    /** The generator seed of a block: the seed and the block index mixed by SplitMix64's finalizer. */
    long blockSeed(long block) {
        long z = seed * 0x9e3779b97f4a7c15L + block;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The value a tensor of the dtype holds for v. */
    public static double stored(double v, DType d) {
        return switch (d) {
            case F64 -> v;
            case F32 -> (float) v;
            case BF16, F16 -> d.half().decode(d.half().encode((float) v));
        };
    }

    /** The exact sum of squares of the stream. */
    public ExactSumOfSquares exact() throws IOException {
        ExactSumOfSquares s = new ExactSumOfSquares();
        forEachBlock((start, v, count) -> s.addAll(v, 0, count));
        return s;
    }

    /** The storage bytes, little-endian (f64, f32, or the 16 bits of bf16 and f16), as a peer reads them. */
    public void writeStorage(OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        forEachBlock((start, v, count) -> {
            buf.clear();
            for (int i = 0; i < count; i++) {
                switch (dtype) {
                    case F64 -> buf.putDouble(v[i]);
                    case F32 -> buf.putFloat((float) v[i]);
                    default -> buf.putShort(dtype.half().encode((float) v[i]));
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    /** Bytes the storage takes. */
    public long storageBytes() {
        return n * dtype.bytes();
    }
}
