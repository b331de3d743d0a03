package org.clipbench.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {

    @Test
    void everyChunkRunsOncePerCallAndItsResultComesBackInOrder() {
        WorkerTeam team = new WorkerTeam(3);
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        for (int call = 0; call < 20_000; call++) {
            int base = call;
            double[] out = team.run((c, k) -> {
                runs.incrementAndGet(c);
                assertThat(k).isEqualTo(3);
                return base * 10 + c;
            });
            assertThat(out).containsExactly(base * 10, base * 10 + 1, base * 10 + 2);
        }
        for (int c = 0; c < 3; c++) assertThat(runs.get(c)).isEqualTo(20_000);
    }

    @Test
    void aWorkersFailureReachesTheCallerAndTheTeamKeepsWorking() throws Exception {
        WorkerTeam team = new WorkerTeam(2);
        assertThatThrownBy(() -> team.run((c, k) -> {
            if (c == 1) throw new IllegalArgumentException("chunk 1 failed");
            return 0;
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("chunk 1 failed");
        Thread.sleep(1); // let the worker go back to spinning, then parking
        Thread.sleep(WorkerTeam.SPIN_NANOS / 1_000_000 + 5); // parked now: the next call must wake it
        assertThat(team.run((c, k) -> c + 1)).containsExactly(1, 2);
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
        assertThat(two.toDoubles(b)).containsExactly(one.toDoubles(a));
    }
}
