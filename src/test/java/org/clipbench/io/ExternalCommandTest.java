package org.clipbench.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Programs ClipBench waits on are bounded in time, and a hung one is killed with its children. */
class ExternalCommandTest {

    @Test
    void aFinishedProgramGivesItsExitAndOutput() throws Exception {
        ExternalCommand.Result r = ExternalCommand.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), null, Duration.ofSeconds(30));
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.output()).contains("out").contains("err");
        assertThat(r.lastLine()).isIn("out", "err");
    }

    /** A program that never exits, whose child also holds the output open: reading a pipe to its end waited for ever. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHungProgramIsKilledWithItsChildrenAtTheLimit(@TempDir Path t) throws Exception {
        Path pids = t.resolve("pids");
        List<String> cmd = List.of("sh", "-c", "sleep 100000 & echo $! > " + pids + "; echo $$ >> " + pids + "; sleep 100000");
        long start = System.nanoTime();
        assertThatThrownBy(() -> ExternalCommand.run(cmd, null, Duration.ofSeconds(2))).isInstanceOf(ExternalCommand.TimedOut.class)
                .hasMessageContaining("did not finish within 2 s");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
        for (String pid : Files.readAllLines(pids)) {
            var h = ProcessHandle.of(Long.parseLong(pid.strip()));
            if (h.isPresent()) h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ProcessHandle.of(Long.parseLong(pid.strip())).map(ProcessHandle::isAlive)).as("process " + pid).isNotEqualTo(java.util.Optional.of(true));
        }
    }

    /** The git calls that record a run's commit had a limit that applied only after their output was read to its end. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHungGitIsRecordedAsUnknownAfterItsLimit() {
        long start = System.nanoTime();
        assertThat(Environment.run(List.of("sh", "-c", "sleep 100000"), Duration.ofSeconds(2))).isNull();
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(20);
        assertThat(Environment.run(List.of("sh", "-c", "echo abc1234"), Environment.GIT_LIMIT)).isEqualTo("abc1234\n");
        assertThat(Environment.GIT_LIMIT).isEqualTo(Duration.ofSeconds(10));
    }
}
