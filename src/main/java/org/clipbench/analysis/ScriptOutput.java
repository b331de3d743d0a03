package org.clipbench.analysis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.Table;

/**
 * What an analysis script hands back: its inputs, and the figures and tables it makes. Run by hand
 * (jshell, as each script's header says), a figure is written to the folder {@code -Dout} (SVG and PNG)
 * and a table printed as Markdown; run by the report, both go into the report instead. So the script a
 * researcher copies and edits is the one the report runs.
 */
public final class ScriptOutput {
    private ScriptOutput() {
    }

    /** Where a running report collects a script's output (null: the script runs on its own). */
    public interface Sink {
        List<Path> inputs();

        /** The JMH results among the inputs, loaded once by the report; null when there are none. */
        Table jmh();

        /** The kernel tables of those results (net times, GB/s, ...), built once by the report; null when there are none. */
        KernelSummary.Tables kernels();

        /** The convergence sweeps among the inputs (not those of reproductions), loaded once by the report. */
        List<SweepResults> sweeps();

        void figure(Figure f);

        void table(String title, Table t);
    }

    private static volatile Sink sink;

    /** The report sets its sink for the duration of one script (scripts run one at a time). */
    public static synchronized void runWith(Sink s, Runnable script) {
        sink = s;
        try {
            script.run();
        } finally {
            sink = null;
        }
    }

    /** The results folders: the report's inputs, or -Dresults=a,b (default results/reference/quick). */
    public static List<Path> inputs() {
        Sink s = sink;
        if (s != null) return s.inputs();
        return Arrays.stream(System.getProperty("results", "results/reference/quick").split(",")).map(Path::of).toList();
    }

    /** The JMH results among the inputs (bench folders and JMH JSON files), or null when they hold none. */
    public static Table jmh() throws IOException {
        Sink s = sink;
        if (s != null) return s.jmh();
        List<Path> bench = inputs().stream()
                .filter(p -> Files.isRegularFile(p) || Files.exists(p.resolve("results.json")) || Files.isDirectory(p.resolve("jmh"))).toList();
        return bench.isEmpty() ? null : JmhResults.load(bench);
    }

    /** The kernel tables of {@link #jmh()} (see {@link KernelSummary}), or null when the inputs hold no JMH results. */
    public static KernelSummary.Tables kernels() throws IOException {
        Sink s = sink;
        if (s != null) return s.kernels();
        Table jmh = jmh();
        return jmh == null ? null : KernelSummary.build(jmh);
    }

    /** The sweep folders among the inputs: each input that is one, and the sweeps one level inside the others (a bench folder's convergence/ included). */
    public static List<SweepResults> sweeps() throws IOException {
        Sink s = sink;
        if (s != null) return s.sweeps();
        List<SweepResults> out = new ArrayList<>();
        for (Path p : inputs()) {
            if (SweepResults.isSweep(p)) {
                out.add(SweepResults.load(p));
                continue;
            }
            for (Path parent : List.of(p.resolve("convergence"), p)) {
                if (!Files.isDirectory(parent)) continue;
                try (Stream<Path> children = Files.list(parent)) {
                    for (Path child : children.filter(SweepResults::isSweep).sorted().toList()) out.add(SweepResults.load(child));
                }
            }
        }
        return out;
    }

    /** A figure: into the report, or written as SVG and PNG to -Dout (default target/figures). An empty one is skipped. */
    public static void figure(Figure f) {
        if (f.isEmpty()) return;
        Sink s = sink;
        if (s != null) {
            s.figure(f);
            return;
        }
        try {
            System.out.println(FigureWriter.write(f, Path.of(System.getProperty("out", "target/figures"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table: into the report, or printed as Markdown under its title. An empty one is skipped. */
    public static void table(String title, Table t) {
        if (t.rowCount() == 0) return;
        Sink s = sink;
        if (s != null) {
            s.table(title, t);
            return;
        }
        System.out.println("## " + title + "\n\n" + Markdown.table(t));
    }
}
