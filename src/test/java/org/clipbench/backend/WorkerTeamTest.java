package org.clipbench.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {

    @Test
    void everyChunkRunsOncePerCallAndItsResultComesBackInOrder() {
        WorkerTeam team = new WorkerTeam(3);
        int chunks = 7;
        AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
        for (int call = 0; call < 20_000; call++) {
            int base = call;
            double[] out = team.run(chunks, (c, k) -> {
                runs.incrementAndGet(c);
                assertThat(k).isEqualTo(chunks);
                return base * 10 + c;
            });
            assertThat(out).hasSize(chunks);
            for (int c = 0; c < chunks; c++) assertThat(out[c]).isEqualTo(base * 10 + c);
        }
        for (int c = 0; c < chunks; c++) assertThat(runs.get(c)).isEqualTo(20_000);
    }

    @Test
    void aWorkersFailureReachesTheCallerAndTheTeamKeepsWorking() throws Exception {
        WorkerTeam team = new WorkerTeam(2);
        assertThatThrownBy(() -> team.run(8, (c, k) -> {
            if (c == 5) throw new IllegalArgumentException("chunk 5 failed");
            return 0;
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("chunk 5 failed");
        Thread.sleep(WorkerTeam.SPIN_NANOS / 1_000_000 + 5); // parked now: the next call must still run every chunk
        assertThat(team.run((c, k) -> c + 1)).containsExactly(1, 2);
    }

    /**
     * The point of claiming: a worker that stops inside a chunk (here blocked until released, as a worker whose
     * core another process took) holds the call up by that one chunk only; the caller runs all the others. With
     * the static split of before, the worker's whole half waited on it.
     */
    @Test
    void theCallerRunsEveryChunkALateWorkerDidNotClaim() throws Exception {
        WorkerTeam team = new WorkerTeam(2);
        CountDownLatch release = new CountDownLatch(1), workerInside = new CountDownLatch(1);
        AtomicIntegerArray byCaller = new AtomicIntegerArray(1);
        Thread[] caller = new Thread[1];
        double[][] out = new double[1][];
        Thread call = new Thread(() -> out[0] = team.run(64, (c, k) -> {
            if (Thread.currentThread() == caller[0]) {
                byCaller.incrementAndGet(0);
                sleep(1); // slow enough that the worker surely claims a chunk
            } else if (workerInside.getCount() > 0) {
                workerInside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return c;
        }));
        caller[0] = call;
        call.start();
        assertThat(workerInside.await(10, TimeUnit.SECONDS)).as("the worker took a chunk").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (byCaller.get(0) + 1 < 64 && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(byCaller.get(0)).as("the caller ran every chunk but the worker's").isEqualTo(63);
        Thread.sleep(20);
        assertThat(call.isAlive()).as("the call waits for the chunk the worker started").isTrue();
        release.countDown();
        call.join(10_000);
        assertThat(call.isAlive()).isFalse();
        for (int c = 0; c < 64; c++) assertThat(out[0][c]).isEqualTo(c);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aParallelBackendGivesTheSameNormAsASerialOne() {
        Backend one = Backends.create("vector", 1), two = Backends.create("vector", 2);
        double[] v = new double[1 << 17];
        for (int i = 0; i < v.length; i++) v[i] = Math.sin(i) * (i % 7 == 0 ? 1e150 : 1);
        Tensor a = one.fromDoubles("a", 1, v.length, DType.F64, v), b = two.fromDoubles("b", 1, v.length, DType.F64, v);
        assertThat(two.norm2(b, NormKind.SAFE)).isCloseTo(one.norm2(a, NormKind.SAFE), org.assertj.core.data.Offset.offset(1e-12 * one.norm2(a, NormKind.SAFE)));
        one.scale(a, 0.25);
        two.scale(b, 0.25);
        assertThat(two.toDoubles(b)).isEqualTo(one.toDoubles(a));
    }

    /** Chunk boundaries depend on the size alone, and results are combined in chunk order: 2 and 3 threads agree bit for bit. */
    @Test
    void aReductionGivesTheSameBitsAtAnyTeamSize() {
        double[] v = new double[(1 << 20) + 13];
        for (int i = 0; i < v.length; i++) v[i] = Math.sin(i * 0.37) * (1 + i % 11);
        Backend two = Backends.create("vector", 2), three = Backends.create("vector", 3);
        Tensor a = two.fromDoubles("a", 1, v.length, DType.F64, v), b = three.fromDoubles("b", 1, v.length, DType.F64, v);
        for (NormKind kind : NormKind.values()) {
            double x = two.norm2(a, kind);
            for (int rep = 0; rep < 20; rep++) assertThat(three.norm2(b, kind)).as(kind.name()).isEqualTo(x);
        }
    }

    @Test
    void chunksAreAboutAGrainAndAtLeastOnePerThread() {
        WorkerTeam team = new WorkerTeam(2);
        assertThat(team.chunksFor(1)).isEqualTo(2);
        assertThat(team.chunksFor(1 << 17)).isEqualTo(4);
        assertThat(team.chunksFor((1 << 24) + 1)).isEqualTo(513);
        assertThatThrownBy(() -> team.run(0, (c, k) -> 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
