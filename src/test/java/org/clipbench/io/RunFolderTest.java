package org.clipbench.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

    @Test
    void aLockedFolderRefusesASecondRunUntilTheFirstEnds(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (RunFolder first = RunFolder.lock(run)) {
            assertThatThrownBy(() -> RunFolder.lock(run)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("in use by another ClipBench run");
        }
        try (RunFolder again = RunFolder.lock(run)) {
            assertThat(again.dir()).isEqualTo(run);
        }
    }

    @Test
    void twoRunsStartedInTheSameSecondGetTwoFolders(@TempDir Path dir) throws Exception {
        try (RunFolder a = RunFolder.createUnique(dir, "20261202T030000Z-abc"); RunFolder b = RunFolder.createUnique(dir, "20261202T030000Z-abc")) {
            assertThat(a.dir().getFileName().toString()).isEqualTo("20261202T030000Z-abc");
            assertThat(b.dir().getFileName().toString()).isEqualTo("20261202T030000Z-abc-2");
        }
    }

    @Test
    void aFileWhereTheFolderBelongsIsNamed(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("taken"), "x");
        assertThatThrownBy(() -> RunFolder.lock(f)).hasMessageContaining("is a file");
    }
}
