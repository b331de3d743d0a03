package org.clipbench.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.FigureWriter;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Markdown;

/**
 * Trend figures of the history: per benchmark method and machine, every series over the history
 * relative to its first run (small multiples past eight series); and per change point, its series with
 * the median of each segment drawn as a dashed step and the change marked. trends.md lists them.
 */
public final class TrendFigures {
    private TrendFigures() {
    }

    public static List<Path> write(List<HistoryDatabase.Point> points, List<ChangePoints.Change> changes, Path dir) throws IOException {
        return write(points, changes, List.of(), dir);
    }

    /**
     * As above, with A/B verdicts marked: a SLOWER or FASTER verdict is drawn on the series it judged, at the
     * candidate commit's point when the series has one, else half a step after the base commit's last point
     * (a pull request's commit is no point on main's line); trends.md lists every verdict.
     */
    public static List<Path> write(List<HistoryDatabase.Point> points, List<ChangePoints.Change> changes, List<HistoryDatabase.AbMark> marks,
                                   Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Map<String, List<HistoryDatabase.Point>>> byMethod = new LinkedHashMap<>();
        // one figure per method and fingerprint: machines with one CPU model but another JVM or flags are told apart by number
        List<String> fingerprints = points.stream().map(HistoryDatabase.Point::fingerprint).distinct().sorted().toList();
        for (HistoryDatabase.Point p : points) {
            String method = p.series().split(" ", 2)[0] + " on " + p.fingerprint().split(" \\| ")[0]
                    + (fingerprints.size() > 1 ? " (machine " + (fingerprints.indexOf(p.fingerprint()) + 1) + ")" : "");
            byMethod.computeIfAbsent(method, k -> new LinkedHashMap<>()).computeIfAbsent(p.series() + "\u0000" + p.fingerprint(), k -> new ArrayList<>()).add(p);
        }
        List<Path> files = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Benchmark history: trends\n\n");
        for (var e : byMethod.entrySet()) {
            Figure f = Figure.line(slug("trend-" + e.getKey())).title(e.getKey() + ": value relative to the first run")
                    .axes("run in history order (commit, then run time)", "relative to the first run")
                    .caption("Each series divided by its first value; 1 = unchanged. Lower is better for times, higher for throughput.");
            for (var s : e.getValue().values()) {
                double[] x = new double[s.size()], y = new double[s.size()];
                for (int i = 0; i < s.size(); i++) {
                    x[i] = i + 1;
                    y[i] = s.get(i).value() / s.get(0).value();
                }
                String name = s.get(0).series().contains(" ") ? s.get(0).series().split(" ", 2)[1] : s.get(0).series();
                f.add(name, x, y);
            }
            addVerdictMarks(f, e.getValue().values(), marks);
            files.addAll(FigureWriter.write(f, dir));
            md.append("![").append(e.getKey()).append("](").append(f.id()).append(".svg)\n\n");
        }
        if (fingerprints.size() > 1) {
            md.append("Machines:\n\n");
            for (int i = 0; i < fingerprints.size(); i++) md.append("- machine ").append(i + 1).append(": ").append(fingerprints.get(i)).append('\n');
            md.append('\n');
        }
        md.append(verdictTable(marks));
        md.append("## Change points\n\n");
        if (changes.isEmpty()) md.append("None.\n");
        int n = 0;
        for (ChangePoints.Change c : changes) {
            List<HistoryDatabase.Point> s = points.stream().filter(p -> p.series().equals(c.series()) && p.fingerprint().equals(c.fingerprint())).toList();
            Figure f = changeFigure(slug("change-" + (++n) + "-" + c.series()), c, s, changes);
            files.addAll(FigureWriter.write(f, dir));
            md.append(String.format(Locale.ROOT, "- %s **%s**: between %s and %s, %s -> %s %s (%+.1f%%, 95%% interval [%+.1f%%, %+.1f%%], p = %.3g)%n%n![%s](%s.svg)%n%n",
                    c.worse() ? "WORSE" : "change", c.series(), c.lastSha(), c.firstSha(), Markdown.number(c.before()), Markdown.number(c.after()), c.unit(),
                    100 * c.change(), 100 * c.ciLow(), 100 * c.ciHigh(), c.p(), c.series(), f.id()));
        }
        Path summary = dir.resolve("trends.md");
        AtomicFiles.writeString(summary, md.toString());
        files.add(summary);
        return files;
    }

    /** Markers for the A/B verdicts (slower, faster) of the figure's series, at the x the class comment says. */
    static void addVerdictMarks(Figure f, java.util.Collection<List<HistoryDatabase.Point>> series, List<HistoryDatabase.AbMark> marks) {
        for (String verdict : List.of("SLOWER", "FASTER")) {
            List<double[]> at = new ArrayList<>();
            for (List<HistoryDatabase.Point> s : series) {
                HistoryDatabase.Point first = s.get(0);
                for (HistoryDatabase.AbMark m : marks) {
                    if (!m.verdict().equals(verdict) || !m.series().equals(first.series()) || !m.fingerprint().equals(first.fingerprint())) continue;
                    double[] xy = markAt(s, m);
                    if (xy != null) at.add(xy);
                }
            }
            if (at.isEmpty()) continue;
            f.add(new Figure.Series("A/B " + verdict.toLowerCase(Locale.ROOT), at.stream().mapToDouble(p -> p[0]).toArray(),
                    at.stream().mapToDouble(p -> p[1]).toArray(), null, null, false, true));
        }
    }

    /** Where a verdict goes on a series (x, value relative to the first run), or null when neither commit is on it. */
    static double[] markAt(List<HistoryDatabase.Point> s, HistoryDatabase.AbMark m) {
        int candidate = -1, base = -1;
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i).gitSha().equals(m.candidateSha())) candidate = i;
            if (s.get(i).gitSha().equals(m.baseSha())) base = i;
        }
        double first = s.get(0).value();
        if (candidate >= 0) return new double[] {candidate + 1, s.get(candidate).value() / first};
        if (base >= 0) return new double[] {base + 1.5, s.get(base).value() / first * m.ratio()};
        return null;
    }

    /** The A/B verdicts as a table (all of them, the quiet ones too: they say a build was checked). */
    static String verdictTable(List<HistoryDatabase.AbMark> marks) {
        if (marks.isEmpty()) return "";
        StringBuilder md = new StringBuilder("## A/B verdicts\n\n| series | base | candidate | ratio | 95% CI | p adj | verdict |\n| --- | --- | --- | ---: | --- | ---: | --- |\n");
        for (HistoryDatabase.AbMark m : marks) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | [%.3f, %.3f] | %.3g | %s |%n", m.series(), m.baseSha(), m.candidateSha(),
                    m.ratio(), m.ciLow(), m.ciHigh(), m.pAdjusted(), m.verdict().equals("NO_CHANGE") ? "~" : m.verdict()));
        }
        return md.append('\n').toString();
    }

    /** One series with its segments' medians (dashed) and the change points of that series marked. */
    static Figure changeFigure(String id, ChangePoints.Change c, List<HistoryDatabase.Point> s, List<ChangePoints.Change> all) {
        double[] x = new double[s.size()], y = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            x[i] = i + 1;
            y[i] = s.get(i).value();
        }
        List<Integer> cuts = new ArrayList<>();
        for (ChangePoints.Change o : all) if (o.series().equals(c.series()) && o.fingerprint().equals(c.fingerprint())) cuts.add(o.index());
        cuts.add(s.size());
        double[] medianLine = new double[s.size()];
        int from = 0;
        for (int cut : cuts.stream().sorted().toList()) {
            double m = new Median().evaluate(java.util.Arrays.copyOfRange(y, from, cut));
            for (int i = from; i < cut; i++) medianLine[i] = m;
            from = cut;
        }
        double[] cx = cuts.stream().filter(k -> k < s.size()).mapToDouble(k -> k + 1).toArray();
        double[] cy = cuts.stream().filter(k -> k < s.size()).mapToDouble(k -> y[k]).toArray();
        return Figure.line(id).title(c.series()).axes("run in history order (commit, then run time)", c.metric() + (c.unit().isEmpty() ? "" : " (" + c.unit() + ")"))
                .add("value", x, y)
                .add(new Figure.Series("segment median", x, medianLine, null, null, true))
                .add(new Figure.Series("change point", cx, cy, null, null, false, true))
                .caption("E-divisive change points (crosses) and the median of each segment (dashed), on " + c.fingerprint() + ".");
    }

    static String slug(String s) {
        String t = org.clipbench.analysis.Plots.slug(s);
        return t.length() > 80 ? t.substring(0, 80) : t;
    }
}
