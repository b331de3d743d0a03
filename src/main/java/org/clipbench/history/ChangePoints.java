package org.clipbench.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Change points of every series of the history, found by {@link EDivisive} within one environment
 * fingerprint at a time (times from different machines or JVMs are not one series), each with the
 * commit range it lies in, the size of the change (median after over median before, minus 1) with a
 * bootstrap 95% interval, and whether it made the benchmark worse by at least the minimum effect.
 */
public final class ChangePoints {
    private ChangePoints() {
    }

    public record Change(String series, String fingerprint, String metric, String unit, String lastSha, String firstSha, String firstCommitTime,
                         int index, int points, double before, double after, double change, double ciLow, double ciHigh, double p, boolean worse) {
    }

    public static List<Change> find(List<HistoryDatabase.Point> points, EDivisive.Settings s, double minEffect) {
        Map<String, List<HistoryDatabase.Point>> bySeries = new LinkedHashMap<>();
        for (HistoryDatabase.Point p : points) bySeries.computeIfAbsent(p.series() + "\u0000" + p.fingerprint(), k -> new ArrayList<>()).add(p);
        List<Change> out = new ArrayList<>();
        for (List<HistoryDatabase.Point> series : bySeries.values()) out.addAll(inSeries(series, s, minEffect));
        return out;
    }

    static List<Change> inSeries(List<HistoryDatabase.Point> series, EDivisive.Settings s, double minEffect) {
        double[] x = series.stream().mapToDouble(HistoryDatabase.Point::value).toArray();
        // each series draws its own permutations (seeded by its name): its verdict does not depend on the other series
        HistoryDatabase.Point head = series.get(0);
        EDivisive.Settings own = new EDivisive.Settings(s.significance(), s.permutations(), s.minSegment(), s.seed() ^ (head.series() + head.fingerprint()).hashCode());
        List<EDivisive.ChangePoint> cps = EDivisive.detect(x, own);
        List<Change> out = new ArrayList<>();
        for (int c = 0; c < cps.size(); c++) {
            int at = cps.get(c).index();
            int from = c == 0 ? 0 : cps.get(c - 1).index(), to = c + 1 < cps.size() ? cps.get(c + 1).index() : x.length;
            double[] before = java.util.Arrays.copyOfRange(x, from, at), after = java.util.Arrays.copyOfRange(x, at, to);
            double mb = new Median().evaluate(before), ma = new Median().evaluate(after);
            double change = ma / mb - 1;
            double[] ci = bootstrap(before, after, s.seed() + c);
            HistoryDatabase.Point last = series.get(at - 1), first = series.get(at);
            boolean worse = (first.higherIsBetter() ? change < 0 : change > 0) && Math.abs(change) >= minEffect;
            out.add(new Change(first.series(), first.fingerprint(), first.metric(), first.unit(), last.gitSha(), first.gitSha(), first.commitTime(), at,
                    x.length, mb, ma, change, ci[0], ci[1], cps.get(c).p(), worse));
        }
        return out;
    }

    /** 95% percentile interval of median(after*) / median(before*) - 1, each side resampled on its own. */
    static double[] bootstrap(double[] before, double[] after, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] r = new double[2000];
        for (int k = 0; k < r.length; k++) r[k] = new Median().evaluate(resample(after, rng)) / new Median().evaluate(resample(before, rng)) - 1;
        Percentile pct = new Percentile();
        return new double[] {pct.evaluate(r, 2.5), pct.evaluate(r, 97.5)};
    }

    private static double[] resample(double[] x, SplittableRandom rng) {
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[rng.nextInt(x.length)];
        return y;
    }

    public static String text(List<Change> changes, int seriesCount) {
        StringBuilder sb = new StringBuilder();
        for (Change c : changes) {
            sb.append(String.format(Locale.ROOT, "%s %s%n  between %s and %s (point %d of %d%s): %s -> %s %s, %+.1f%% [%+.1f%%, %+.1f%%], p = %.3g%s%n",
                    c.worse() ? "WORSE " : "change", c.series(), c.lastSha(), c.firstSha(), c.index() + 1, c.points(),
                    c.firstCommitTime() == null ? "" : ", committed " + c.firstCommitTime(), fmt(c.before()), fmt(c.after()), c.unit(),
                    100 * c.change(), 100 * c.ciLow(), 100 * c.ciHigh(), c.p(), "\n  on " + c.fingerprint()));
        }
        long worse = changes.stream().filter(Change::worse).count();
        sb.append(String.format(Locale.ROOT, "%d change points in %d series, %d of them making a benchmark worse%n", changes.size(), seriesCount, worse));
        return sb.toString();
    }

    private static String fmt(double v) {
        return org.clipbench.io.Markdown.number(v);
    }
}
