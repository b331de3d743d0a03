package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 36: a sweep whose --out fills its disk ended as a bug ("internal error … IllegalStateException: No space
 * left on device", exit 3). On a real full disk (a 100 KB tmpfs in a private mount namespace: unshare -rm, skipped
 * where that is not allowed) it must exit 2 with one line naming the file and the fix, and a resume after the
 * disk is enlarged must give exactly the runs of an uninterrupted sweep.
 */
class FullDiskTest {
    static final List<String> SWEEP = List.of("sweep", "--preset", "smoke", "--steps", "50", "--threads", "1", "--quiet");

    @Test
    void aFullDiskIsOneLineExit2AndTheResumeIsExact(@TempDir Path t) throws Exception {
        Path mnt = Files.createDirectories(t.resolve("mnt")), host = Files.createDirectories(t.resolve("host"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String run = javaBin + " --add-modules=jdk.incubator.vector -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName() + " ";
        String script = String.join("\n",
                "mount -t tmpfs -o size=100k tmpfs " + mnt + " || exit 97",
                run + String.join(" ", SWEEP) + " --out " + mnt + "/s > " + host + "/first.out 2> " + host + "/first.err; echo $? > " + host + "/first.rc",
                "mount -o remount,size=32m " + mnt, // space freed
                run + "sweep --resume " + mnt + "/s --threads 1 --quiet > " + host + "/resume.out 2>&1; echo $? > " + host + "/resume.rc",
                "cp " + mnt + "/s/runs.csv " + host + "/runs.csv");
        Process p = new ProcessBuilder("unshare", "-r", "-m", "sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(t.resolve("unshare.log").toFile()).start();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("finished").isTrue();
        Assumptions.assumeTrue(p.exitValue() != 97 && Files.exists(host.resolve("first.rc")),
                () -> "cannot mount a tmpfs in a private namespace here: " + read(t.resolve("unshare.log")));

        String err = read(host.resolve("first.err")).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                .collect(java.util.stream.Collectors.joining("\n")).strip(); // the JVM's own line, not ClipBench's
        assertThat(read(host.resolve("first.rc")).strip()).as(err).isEqualTo("2");
        assertThat(err).hasLineCount(1).startsWith("error: " + mnt + "/s/").contains(": No space left on device; free space there")
                .contains("--resume").doesNotContain("internal error").doesNotContain("Exception");
        assertThat(read(host.resolve("resume.rc")).strip()).as(read(host.resolve("resume.out"))).isEqualTo("0");
        assertThat(read(host.resolve("resume.out"))).containsPattern("[1-9] runs trained, [1-9] already done");

        Path whole = t.resolve("whole");
        StringWriter e = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(e, true));
        java.util.ArrayList<String> args = new java.util.ArrayList<>(SWEEP);
        args.addAll(List.of("--out", whole.toString()));
        assertThat(cl.execute(args.toArray(String[]::new))).as(e.toString()).isZero();
        assertThat(withoutWallClock(host.resolve("runs.csv"))).isEqualTo(withoutWallClock(whole.resolve("runs.csv")));
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** runs.csv without its wall_s column (the one column that is not a function of the seed). */
    static List<String> withoutWallClock(Path csv) throws java.io.IOException {
        List<String> lines = Files.readAllLines(csv);
        int col = Arrays.asList(lines.get(0).split(",")).indexOf("wall_s");
        return lines.stream().map(l -> {
            List<String> cells = new java.util.ArrayList<>(Arrays.asList(l.split(",", -1)));
            cells.remove(col);
            return String.join(",", cells);
        }).toList();
    }
}
