package org.clipbench.accuracy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.clipbench.peer.PythonPeers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy peer's deadlines: a peer that hangs or answers nonsense fails its request with a reason, and is given up after three. */
class AccuracyPeerTest {

    static AccuracyPeer fake(Path dir, String body) throws Exception {
        Path f = dir.resolve("fake-python");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new AccuracyPeer("pytorch", new PythonPeers.Interpreter(f.toString(), "3.11", "2.99.0", null, null, ""), dir,
                new PrintStream(System.out));
    }

    static final String GREETING = "echo 'clipbench-accuracy {\"ready\": true, \"version\": \"2.99.0\"}'";

    @Test
    void aPeerThatNeverAnswersIsKilledAtItsDeadlineAndGivenUpAfterThreeFailures(@TempDir Path dir) throws Exception {
        try (AccuracyPeer p = fake(dir, GREETING + "\nsleep 100000")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> p.ask(Map.of("kind", "largest-finite", "dtype", "f32", "n", 4096), null, 2))
                    .isInstanceOf(AccuracyPeer.Failure.class).hasMessageContaining("within 2 s: killed with its process tree");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
            assertThat(p.label()).isEqualTo("pytorch 2.99.0");
            assertThatThrownBy(() -> p.ask(Map.of("kind", "largest-finite", "dtype", "f32", "n", 4096), null, 1)).isInstanceOf(AccuracyPeer.Failure.class);
            assertThatThrownBy(() -> p.ask(Map.of("kind", "largest-finite", "dtype", "f32", "n", 4096), null, 1)).isInstanceOf(AccuracyPeer.Failure.class);
            assertThat(p.gaveUp()).contains("3 requests in a row failed");
            assertThatThrownBy(() -> p.ask(Map.of("kind", "exit"), null, 1)).hasMessageContaining("given up earlier");
        }
    }

    /** A peer that stops reading its data: the write that would block forever on the full pipe ends with the kill at the deadline. */
    @Test
    void aPeerThatStopsReadingItsDataCannotBlockTheRun(@TempDir Path dir) throws Exception {
        try (AccuracyPeer p = fake(dir, GREETING + "\nsleep 100000")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> p.ask(Map.of("kind", "norm", "dtype", "f64", "n", 1 << 24), stdin -> {
                byte[] mib = new byte[1 << 20];
                for (int i = 0; i < 128; i++) stdin.write(mib); // 128 MiB: far beyond a pipe's buffer
            }, 2)).isInstanceOf(AccuracyPeer.Failure.class);
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(30);
        }
    }

    @Test
    void nonsenseAnswersAreFailuresNamingWhatIsWrong(@TempDir Path dir) throws Exception {
        try (AccuracyPeer p = fake(dir, GREETING + "\nwhile read line; do echo 'clipbench-accuracy {\"norm\": \"fast\"'; done")) {
            assertThatThrownBy(() -> p.ask(Map.of("kind", "largest-finite", "dtype", "f32", "n", 4096), null, 10))
                    .hasMessageContaining("answered invalid JSON");
        }
        try (AccuracyPeer p = fake(dir, GREETING + "\nexit 3")) {
            assertThatThrownBy(() -> p.ask(Map.of("kind", "largest-finite", "dtype", "f32", "n", 4096), null, 10))
                    .hasMessageContaining("ended without answering");
        }
    }
}
