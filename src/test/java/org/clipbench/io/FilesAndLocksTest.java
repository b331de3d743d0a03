package org.clipbench.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 29: result files were written 0600; a second bench run failed every combination on JMH's lock. */
class FilesAndLocksTest {
    @Test
    void anAtomicWriteGetsTheModeOfAnyFileTheUserMakes(@TempDir Path t) throws Exception {
        Path plain = Files.writeString(t.resolve("plain.txt"), "x"); // the umask's mode
        Path atomic = t.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "x");
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(Files.getPosixFilePermissions(plain));
        try (var s = Files.list(t)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("plain.txt", "atomic.txt"); // no temp left
        }
    }

    @Test
    void aSecondRunIsToldOnceThatJmhIsBusy(@TempDir Path t) throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", t.toString());
        try (FileChannel ch = FileChannel.open(t.resolve("jmh.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            org.clipbench.jmhgrid.JmhLock.requireFree(); // free: nothing said
            try (var held = ch.lock()) {
                assertThatThrownBy(org.clipbench.jmhgrid.JmhLock::requireFree).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("another JMH run on this machine holds").hasMessageContaining("jmh.lock");
            }
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    /**
     * Issue 36: the check of JMH's lock took and released it, so two runs started at once both passed it. Taking the run
     * lock is the check: of two runs started together exactly one holds the machine, the other is refused.
     */
    @Test
    void ofTwoRunsStartedAtOnceExactlyOneHoldsTheMachine(@TempDir Path t) throws Exception {
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", t.toString());
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.CountDownLatch bothTried = new java.util.concurrent.CountDownLatch(2);
                java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger(), refused = new java.util.concurrent.atomic.AtomicInteger();
                Runnable run = () -> {
                    try {
                        start.await();
                        try (var machine = org.clipbench.jmhgrid.JmhLock.hold()) {
                            held.incrementAndGet();
                            bothTried.countDown();
                            bothTried.await(); // a run lasts: the other one tries while this one runs
                        }
                    } catch (IllegalArgumentException busy) {
                        assertThat(busy).hasMessageContaining("another ClipBench bench or ab run on this machine holds");
                        refused.incrementAndGet();
                        bothTried.countDown();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
                Thread a = new Thread(run), b = new Thread(run);
                a.start();
                b.start();
                a.join(30_000);
                b.join(30_000);
                assertThat(held.get()).as("runs that held the machine").isEqualTo(1);
                assertThat(refused.get()).as("runs refused").isEqualTo(1);
            }
            try (var again = org.clipbench.jmhgrid.JmhLock.hold()) {
                assertThat(again).isNotNull(); // released when the run ended
            }
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    @Test
    void aFolderOfAnotherKindIsNotWrittenInto(@TempDir Path t) throws Exception {
        Files.writeString(t.resolve("results.json"), "[]");
        assertThatThrownBy(() -> RunFolder.requireEmptyOrOnly(t, "an A/B", n -> n.startsWith("base-")))
                .hasMessageContaining("holds something other than an A/B (results.json)");
        RunFolder.requireEmptyOrOnly(t.resolve("missing"), "an A/B", n -> false); // nothing there: fine
    }
}
