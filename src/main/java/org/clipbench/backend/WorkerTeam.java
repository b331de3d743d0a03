package org.clipbench.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team that runs one call's chunks in parallel by <em>claiming</em> them: the calling thread and the
 * workers take the next unclaimed chunk from a shared counter until none is left, and the caller waits only
 * for chunks a worker has already started. So a worker that is late (parked, or its core taken by another
 * process) never holds the call up: the caller runs the chunks itself, and 2 threads cost at most what
 * 1 costs plus the chunks a descheduled worker is in the middle of. A static split (one chunk per thread,
 * the design before) made the caller wait for the worker's half: with one core busy elsewhere that wait was a
 * scheduler time slice, and 2 threads ran 2-3.4x slower than 1 (issue 34).
 *
 * <p>Chunks are numbered and their results come back in chunk order, whoever ran them, so a reduction
 * combined in that order gives the same bits at any team size and any claiming order.
 *
 * <p>Between calls a worker spins for a budget before it parks, as OpenMP's active wait policy does: waking a
 * parked thread costs tens of microseconds on a virtual machine. The budget adapts, as a spin-then-block
 * policy should: a worker that arrived to find every chunk already claimed (it was too late to help) halves
 * its spin, one that found work restores it, so a team whose caller does everything alone stops burning
 * the core another process or the caller needs. Calls come from one thread at a time (a backend instance
 * is not shared between threads); workers are daemons and never block shutdown.
 */
public final class WorkerTeam {
    /** The longest an idle worker spins for the next call before it parks. */
    static final long SPIN_NANOS = 200_000;
    /** The shortest spin the budget adapts down to. */
    static final long MIN_SPIN_NANOS = 2_000;
    /** Elements per chunk when a range is split: about 10-40 us of a memory-bound pass, so claiming costs < 1%. */
    public static final int GRAIN = 1 << 15;

    /** One chunk's work: the chunk index and count give the range; the result is the chunk's partial value. */
    @FunctionalInterface
    public interface Chunk {
        double run(int chunk, int chunks);
    }

    /** One call: its chunks, the next one to claim, how many have finished, and their results. */
    private static final class Job {
        final Chunk chunk;
        final int chunks;
        final double[] results;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Job(Chunk chunk, int chunks) {
            this.chunk = chunk;
            this.chunks = chunks;
            this.results = new double[chunks];
        }

        /** Claims and runs chunks until none is left; false when it found none to claim. */
        boolean work() {
            boolean any = false;
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                any = true;
                try {
                    if (failure == null) results[c] = chunk.run(c, chunks);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    finished.incrementAndGet(); // a release: the caller reads results[c] after it sees the count
                }
            }
            return any;
        }
    }

    private final int size;
    private final Thread[] workers;
    private volatile Job job;
    private volatile long generation;

    public WorkerTeam(int size) {
        if (size < 2) throw new IllegalArgumentException("a team needs at least 2 threads, got " + size);
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Thread(this::work, "clipbench-worker-" + (w + 1));
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    public int size() {
        return size;
    }

    /** Chunks of about {@link #GRAIN} elements for a range of n, at least one per thread. */
    public int chunksFor(long n) {
        return (int) Math.max(size, Math.min(1 << 20, (n + GRAIN - 1) / GRAIN));
    }

    /**
     * Where chunk c of k starts in a range of n elements (c = k: n). Starts are multiples of 64 elements, more than any
     * SIMD width, so every chunk but the last is whole vectors: an element-wise kernel then sends the same elements
     * through its vector loop and its scalar tail as a single call over the range does, and gives the same bits.
     */
    public static int start(int n, int c, int k) {
        return c >= k ? n : (int) ((long) n * c / k) & ~63;
    }

    /** One chunk per thread (a call whose chunks are already coarse, e.g. rows). */
    public double[] run(Chunk chunk) {
        return run(size, chunk);
    }

    /**
     * Runs chunks 0 .. chunks-1 over the team and returns their results in chunk order. The caller claims
     * chunks like any worker; it returns when every chunk has finished, so no worker touches the data after.
     */
    public double[] run(int chunks, Chunk chunk) {
        if (chunks < 1) throw new IllegalArgumentException("a call needs at least one chunk, got " + chunks);
        Job j = new Job(chunk, chunks);
        job = j;
        generation++; // volatile write after job: a worker that sees the generation sees the job
        for (Thread w : workers) LockSupport.unpark(w);
        j.work();
        // every chunk is claimed now; wait for those a worker is still running (none when it was too late to help)
        for (int spins = 0; j.finished.get() < chunks; spins++) {
            if (spins < 10_000) Thread.onSpinWait();
            else Thread.yield(); // a worker on our own core gets to finish its chunk
        }
        Throwable f = j.failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new IllegalStateException(f);
        return j.results;
    }

    private void work() {
        long seen = 0, spin = SPIN_NANOS;
        while (true) {
            long g = generation;
            if (g == seen) {
                long until = System.nanoTime() + spin;
                while ((g = generation) == seen && System.nanoTime() < until) Thread.onSpinWait();
                if (g == seen) {
                    LockSupport.park(this);
                    continue;
                }
            }
            seen = g;
            boolean helped = job.work();
            spin = helped ? SPIN_NANOS : Math.max(MIN_SPIN_NANOS, spin / 2);
        }
    }
}
