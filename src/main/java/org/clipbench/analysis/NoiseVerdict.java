package org.clipbench.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a run's noise canary (measurement.NoiseCanary, canary.csv) says about the machine while it measured: the spread
 * of the readings over the run's best, a verdict, and the combinations measured next to a disturbed reading, whose
 * figures the headline names as measured in noise. Rules fixed before any run: a reading is disturbed when its cpu or
 * memory probe took more than {@link #DISTURBED} times the run's best; the machine was quiet when the 90th percentile of
 * the readings stayed within {@link #QUIET} of the best, too noisy when more than a quarter of the readings were disturbed.
 */
public final class NoiseVerdict {
    public static final double DISTURBED = 1.25, QUIET = 0.10, TOO_NOISY_SHARE = 0.25;

    /** One reading: after which combination ("" first), cpu and memory probe ns. */
    record Reading(String after, double cpu, double memory) {
    }

    /** The verdict: readings, spreads (p90 / best - 1) of each probe, disturbed readings, and the combinations measured in noise. */
    public record Verdict(int readings, double cpuSpread, double memorySpread, int disturbed, List<String> noisyCombinations) {
        public String label() {
            if (disturbed > TOO_NOISY_SHARE * readings) return "too noisy";
            return cpuSpread <= QUIET && memorySpread <= QUIET ? "quiet" : "noisy";
        }
    }

    private NoiseVerdict() {
    }

    /** The canary.csv files of these folders (a results folder, or the folders of a report's inputs). */
    public static List<Path> files(List<Path> folders) {
        List<Path> out = new ArrayList<>();
        for (Path f : folders) if (Files.isRegularFile(f.resolve("canary.csv"))) out.add(f.resolve("canary.csv"));
        return out;
    }

    public static Verdict of(Path canaryCsv) throws IOException {
        List<String> lines = Files.readAllLines(canaryCsv);
        List<Reading> rs = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int q1 = line.indexOf('"'), q2 = line.lastIndexOf('"');
            if (q1 < 0 || q2 <= q1) throw new IllegalArgumentException(canaryCsv + ": a row without its quoted combination: " + line);
            String[] tail = line.substring(q2 + 2).split(",");
            rs.add(new Reading(line.substring(q1 + 1, q2), Double.parseDouble(tail[0]), Double.parseDouble(tail[1])));
        }
        if (rs.isEmpty()) throw new IllegalArgumentException(canaryCsv + ": no reading");
        double bestCpu = rs.stream().mapToDouble(Reading::cpu).min().orElseThrow(), bestMemory = rs.stream().mapToDouble(Reading::memory).min().orElseThrow();
        boolean[] disturbed = new boolean[rs.size()];
        for (int i = 0; i < rs.size(); i++) disturbed[i] = rs.get(i).cpu() > DISTURBED * bestCpu || rs.get(i).memory() > DISTURBED * bestMemory;
        List<String> noisy = new ArrayList<>();
        // combination i (reading i says it finished) was measured between readings i-1 and i
        for (int i = 1; i < rs.size(); i++) {
            String c = rs.get(i).after();
            if ((disturbed[i] || disturbed[i - 1]) && !c.isEmpty() && !c.equals("(resumed)")) noisy.add(c);
        }
        int count = 0;
        for (boolean d : disturbed) if (d) count++;
        return new Verdict(rs.size(), p90(rs.stream().mapToDouble(Reading::cpu).toArray()) / bestCpu - 1,
                p90(rs.stream().mapToDouble(Reading::memory).toArray()) / bestMemory - 1, count, noisy);
    }

    /** The headline paragraph: the machine's noise, its verdict, and which results were measured in noise. */
    public static String headline(List<Path> canaryFiles) throws IOException {
        StringBuilder md = new StringBuilder();
        for (Path f : canaryFiles) {
            Verdict v = of(f);
            md.append(String.format(Locale.ROOT, "**Machine noise**: %s. A canary (a sum over 512 KB in cache, and a read of 64 MB from memory) "
                    + "was timed %d times, between the combinations: its readings strayed up to %.0f%% (cpu) and %.0f%% (memory) above the run's "
                    + "best at the 90th percentile; %d of %d readings were disturbed (over %.0f%% slower).", v.label(), v.readings(), 100 * v.cpuSpread(),
                    100 * v.memorySpread(), v.disturbed(), v.readings(), 100 * (DISTURBED - 1)));
            if (v.noisyCombinations().isEmpty()) {
                md.append(" No result was measured next to a disturbed reading.\n\n");
            } else {
                md.append(String.format(Locale.ROOT, " %s %d results were measured next to a disturbed reading; read their times and the figures "
                        + "drawn from them as measured in noise:%n%n", v.label().equals("too noisy") ? "Too noisy for the figures shown:" : "Noisy:",
                        v.noisyCombinations().size()));
                v.noisyCombinations().forEach(c -> md.append("- ").append(c).append('\n'));
                md.append('\n');
            }
        }
        return md.toString();
    }

    static double p90(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        return y[(int) Math.min(y.length - 1, Math.ceil(0.9 * y.length) - 1)];
    }
}
