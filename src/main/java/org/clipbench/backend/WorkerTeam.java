package org.clipbench.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team that runs one call's chunks in parallel: the calling thread runs chunk 0 and size - 1
 * workers run the rest. Between calls a worker spins for {@link #SPIN_NANOS} before it parks, as
 * OpenMP's active wait policy does. Why not a ForkJoinPool: it parks its workers at once, and waking a
 * parked thread costs tens of microseconds on a virtual machine, twice per clip (norm, then scale) —
 * which made 2 threads three times slower than 1 on 64K elements. Calls come from one thread at a time
 * (a backend instance is not shared between threads); workers are daemons and never block shutdown.
 */
public final class WorkerTeam {
    /** How long an idle worker spins for the next call before it parks. */
    static final long SPIN_NANOS = 200_000;

    /** One chunk's work: the chunk index and count give the range; the result is the chunk's partial value. */
    @FunctionalInterface
    public interface Chunk {
        double run(int chunk, int chunks);
    }

    private final int size;
    private final Thread[] workers;
    private final double[] results;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile Chunk task;
    private volatile Throwable failure;

    public WorkerTeam(int size) {
        if (size < 2) throw new IllegalArgumentException("a team needs at least 2 threads, got " + size);
        this.size = size;
        this.results = new double[size];
        this.workers = new Thread[size - 1];
        for (int w = 0; w < workers.length; w++) {
            int chunk = w + 1;
            workers[w] = new Thread(() -> work(chunk), "clipbench-worker-" + chunk);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    public int size() {
        return size;
    }

    /** Runs every chunk (the caller takes chunk 0) and returns the partial results, one per chunk. */
    public double[] run(Chunk chunk) {
        task = chunk;
        failure = null;
        pending.set(size - 1);
        generation++; // volatile write: publishes task to the workers
        for (Thread w : workers) LockSupport.unpark(w);
        double[] out = new double[size];
        try {
            out[0] = chunk.run(0, size);
        } finally {
            while (pending.get() > 0) Thread.onSpinWait();
        }
        Throwable f = failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
        for (int c = 1; c < size; c++) out[c] = results[c];
        return out;
    }

    private void work(int chunk) {
        long seen = 0;
        while (true) {
            long g = generation;
            if (g == seen) {
                long until = System.nanoTime() + SPIN_NANOS;
                while ((g = generation) == seen && System.nanoTime() < until) Thread.onSpinWait();
                if (g == seen) {
                    LockSupport.park(this);
                    continue;
                }
            }
            seen = g;
            try {
                results[chunk] = task.run(chunk, size);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet(); // the caller reads results after this (AtomicInteger: a release)
            }
        }
    }
}
