package org.clipbench.measurement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * A noise monitor for a run (issue 34): two fixed kernels timed in the host JVM before the first combination, between
 * combinations and after the last, so the report can say how quiet the machine was while each result was measured. The
 * cpu probe sums the squares of 64K doubles (512 KB, in cache: it slows when another process takes the core); the memory
 * probe reads 8M doubles (64 MB, beyond the cache: it slows when another process takes memory bandwidth). A reading is
 * the median of repeated samples (about 10 and 25 ms), so one preemption does not move it; the machine's noise is how
 * far readings stray from the run's best. Results go to canary.csv, one row per reading, after each.
 */
public final class NoiseCanary {
    static final String HEADER = "reading,seconds,after,cpu_ns,memory_ns\n";
    private static final int CPU_N = 1 << 16, MEMORY_N = 1 << 23, CPU_SAMPLES = 31, CPU_REPEATS = 10, MEMORY_SAMPLES = 5;

    private final Path csv;
    private final double[] cpuData = new double[CPU_N];
    private final double[] memoryData;
    private final long start = System.nanoTime();
    private final StringBuilder rows = new StringBuilder(HEADER);
    private int readings;
    /** Keeps the sums alive (no dead code). */
    private double sink;

    private NoiseCanary(Path csv) {
        this.csv = csv;
        for (int i = 0; i < CPU_N; i++) cpuData[i] = (i % 7) * 0.25;
        memoryData = new double[MEMORY_N];
        Arrays.fill(memoryData, 0.5);
    }

    /** A canary writing to csv, warmed up (its kernels compiled) so that its first reading is like its last. */
    public static NoiseCanary start(Path csv) throws IOException {
        NoiseCanary c = new NoiseCanary(csv);
        if (Files.exists(csv)) { // a resumed run goes on with its readings
            java.util.List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && (lines.get(0) + "\n").equals(HEADER)) {
                c.rows.setLength(0);
                lines.forEach(l -> c.rows.append(l).append('\n'));
                c.readings = lines.size() - 1;
            }
        }
        long until = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < until) c.cpuSample();
        for (int i = 0; i < 3; i++) c.memorySample();
        c.read(c.readings == 0 ? "" : "(resumed)");
        return c;
    }

    /** One reading, recorded after the named combination ("" before the first). */
    public void read(String after) throws IOException {
        double[] cpu = new double[CPU_SAMPLES], memory = new double[MEMORY_SAMPLES];
        for (int i = 0; i < CPU_SAMPLES; i++) cpu[i] = cpuSample();
        for (int i = 0; i < MEMORY_SAMPLES; i++) memory[i] = memorySample();
        readings++;
        rows.append(String.format(Locale.ROOT, "%d,%.1f,\"%s\",%.0f,%.0f%n", readings, (System.nanoTime() - start) / 1e9, after.replace("\"", "'"),
                median(cpu), median(memory)));
        Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
        Files.writeString(tmp, rows, StandardCharsets.UTF_8);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** ns of CPU_REPEATS passes over the cached array. */
    private double cpuSample() {
        long t0 = System.nanoTime();
        double s = 0;
        for (int r = 0; r < CPU_REPEATS; r++) {
            for (int i = 0; i < CPU_N; i++) s += cpuData[i] * cpuData[i];
        }
        long t = System.nanoTime() - t0;
        sink += s;
        return t;
    }

    /** ns of one pass over the large array. */
    private double memorySample() {
        long t0 = System.nanoTime();
        double s = 0;
        for (int i = 0; i < MEMORY_N; i++) s += memoryData[i];
        long t = System.nanoTime() - t0;
        sink += s;
        return t;
    }

    public double sink() {
        return sink;
    }

    static double median(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        int n = y.length;
        return n % 2 == 1 ? y[n / 2] : (y[n / 2 - 1] + y[n / 2]) / 2;
    }
}
