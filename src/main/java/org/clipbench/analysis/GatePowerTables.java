package org.clipbench.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.clipbench.io.AtomicFiles;

/**
 * The power of the regression gate from a gate-power study's trials.csv: per background load and injected slowdown,
 * how many A/Bs called a regression (for 0: false alarms), were inconclusive or passed, with the exact 95% interval of
 * the rate, the median estimated ratio, pairs and time; the goals of issue 34 checked; and a figure (detection rate
 * against the injected slowdown, one line per load).
 */
public final class GatePowerTables {
    private GatePowerTables() {
    }

    /** One combination of load and injected slowdown. */
    public record Cell(String load, double slowdown, int trials, int regressions, int inconclusive, double[] rateCi, double medianRatio,
                       double medianPairs, double medianSeconds, double maxSeconds) {
        public double rate() {
            return (double) regressions / trials;
        }
    }

    /** The goals: a 10% slowdown called in at least 9 of 10 trials under one core of load; A/A false alarms at most 1 in 20, per load. */
    public static final double GOAL_SLOWDOWN = 0.10, GOAL_DETECTION = 0.9, GOAL_FALSE_ALARMS = 1.0 / 20;

    public static List<Cell> cells(Path trialsCsv) throws IOException {
        List<String> lines = Files.readAllLines(trialsCsv);
        Map<String, List<String[]>> by = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            by.computeIfAbsent(f[0] + "," + String.format(Locale.ROOT, "%06.3f", Double.parseDouble(f[1])), k -> new ArrayList<>()).add(f);
        }
        List<Cell> out = new ArrayList<>();
        by.forEach((k, rows) -> {
            int n = rows.size(), reg = 0, inc = 0;
            double[] ratio = new double[n], pairs = new double[n], secs = new double[n];
            for (int i = 0; i < n; i++) {
                String[] f = rows.get(i);
                if (f[3].equals("REGRESSION")) reg++;
                if (f[3].equals("INCONCLUSIVE")) inc++;
                ratio[i] = Double.parseDouble(f[5]);
                pairs[i] = Double.parseDouble(f[8]);
                secs[i] = Double.parseDouble(f[9]);
            }
            out.add(new Cell(rows.get(0)[0], Double.parseDouble(rows.get(0)[1]), n, reg, inc, Plots.binomialInterval(n, reg), new Median().evaluate(ratio),
                    new Median().evaluate(pairs), new Median().evaluate(secs), java.util.Arrays.stream(secs).max().orElse(Double.NaN)));
        });
        return out;
    }

    /** power.csv, power.md and the figure gate-power.{svg,png} into dir. */
    public static void write(Path trialsCsv, Path dir) throws IOException {
        List<Cell> cells = cells(trialsCsv);
        StringBuilder csv = new StringBuilder("load,slowdown,trials,regressions,inconclusive,rate,rate_low,rate_high,median_ratio,median_pairs,"
                + "median_seconds,max_seconds\n");
        for (Cell c : cells) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.4f,%.4f,%.4f,%.4f,%.1f,%.1f,%.1f%n", c.load(), c.slowdown(), c.trials(), c.regressions(),
                    c.inconclusive(), c.rate(), c.rateCi()[0], c.rateCi()[1], c.medianRatio(), c.medianPairs(), c.medianSeconds(), c.maxSeconds()));
        }
        AtomicFiles.writeString(dir.resolve("power.csv"), csv.toString());
        AtomicFiles.writeString(dir.resolve("power.md"), markdown(cells));
        FigureWriter.write(figure(cells), dir);
    }

    static String markdown(List<Cell> cells) {
        StringBuilder md = new StringBuilder("| load | injected slowdown | trials | called slower | rate [95% CI] | inconclusive | median ratio | "
                + "median pairs | median s | max s |\n| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Cell c : cells) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f%%%s | %d | %d | %.2f [%.2f, %.2f] | %d | %.3f | %.0f | %.0f | %.0f |%n", c.load(),
                    100 * c.slowdown(), c.slowdown() == 0 ? " (A/A)" : "", c.trials(), c.regressions(), c.rate(), c.rateCi()[0], c.rateCi()[1],
                    c.inconclusive(), c.medianRatio(), c.medianPairs(), c.medianSeconds(), c.maxSeconds()));
        }
        md.append('\n').append(goals(cells));
        return md.toString();
    }

    /**
     * The detection goal over its 10 trials: met with at least 9 called, NOT met once 9 cannot be reached, else not
     * decided (a point rate of fewer trials is no verdict).
     */
    static String detection(int called, int trials) {
        int need = (int) Math.ceil(GOAL_DETECTION * 10), left = Math.max(0, 10 - trials);
        if (trials >= 10) return (double) called / trials >= GOAL_DETECTION ? "met" : "NOT met";
        if (called + left < need) return "NOT met (" + need + " of 10 can no longer be reached)";
        return "not decided: " + trials + " of the 10 trials the goal needs";
    }

    /** The false-alarm goal over its 20 trials: NOT met with 2 alarms, met with at most 1 in 20 or more, else not decided. */
    static String falseAlarms(int alarms, int trials) {
        if (alarms >= 2 && (trials <= 20 || (double) alarms / trials > GOAL_FALSE_ALARMS)) return "NOT met";
        if (trials >= 20) return (double) alarms / trials <= GOAL_FALSE_ALARMS ? "met" : "NOT met";
        return "not decided: " + trials + " of the 20 trials the goal needs";
    }

    /** The goals, each met, not met or not decided, with the counts that decide it. */
    static String goals(List<Cell> cells) {
        StringBuilder sb = new StringBuilder();
        List<Cell> tenUnderLoad = cells.stream().filter(c -> Math.abs(c.slowdown() - GOAL_SLOWDOWN) < 1e-9 && c.load().startsWith("cpu")).toList();
        if (tenUnderLoad.isEmpty()) {
            sb.append("- a 10% slowdown under one core of load: not measured\n");
        }
        for (Cell c : tenUnderLoad) {
            sb.append(String.format(Locale.ROOT, "- a 10%% slowdown under %s called slower in %d of %d trials (goal: %.0f%%): %s%n", c.load(), c.regressions(),
                    c.trials(), 100 * GOAL_DETECTION, detection(c.regressions(), c.trials())));
        }
        for (Cell c : cells.stream().filter(x -> x.slowdown() == 0).toList()) {
            sb.append(String.format(Locale.ROOT, "- A/A under %s: %d false alarms in %d trials (goal: at most 1 in 20): %s%n", c.load(), c.regressions(),
                    c.trials(), falseAlarms(c.regressions(), c.trials())));
        }
        return sb.toString();
    }

    static Figure figure(List<Cell> cells) {
        Figure f = Figure.line("gate-power").title("Regression gate: how often an injected slowdown is called slower")
                .axes("injected slowdown (extra work, %)", "fraction of A/Bs calling it SLOWER").valueRange(0, 1)
                .caption("Each point: A/B trials of the build against itself with the slowdown injected into the candidate (0%: A/A, its false "
                        + "alarms); band: exact binomial 95% interval; one line per background load (stress-ng).");
        List<String> loads = cells.stream().map(Cell::load).distinct().toList();
        for (String load : loads) {
            List<Cell> l = cells.stream().filter(c -> c.load().equals(load)).toList();
            double[] x = l.stream().mapToDouble(c -> 100 * c.slowdown()).toArray(), y = l.stream().mapToDouble(Cell::rate).toArray();
            double[] lo = l.stream().mapToDouble(c -> c.rateCi()[0]).toArray(), hi = l.stream().mapToDouble(c -> c.rateCi()[1]).toArray();
            f.add(new Figure.Series("load " + load, x, y, lo, hi, false));
        }
        return f;
    }
}
