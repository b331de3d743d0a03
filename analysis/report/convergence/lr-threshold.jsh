// Learning rate x threshold, the interplay most clipping papers are about. For every sweep that runs one clipping
// rule at two or more thresholds and two or more learning rates: heatmaps of the final endpoint (held-out accuracy
// where the problem has one, else the median final training loss) and of the share of seeds diverged, and the same
// endpoint as contour lines over log lr x log threshold with the edge of the stable region drawn on it (per
// threshold, the largest learning rate at which no seed diverged). For sweeps with a target (targetLoss or
// targetGradNorm): steps to the target per strategy and learning rate, with the runs that never reached it shown
// as censored. For sweeps whose strategies share seeds with a "none" arm: a paired comparison table.
// The report runs this script over its inputs (Convergence section); by hand, from the project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/sweeps/digits-threshold-lr -R-Dout=target/figures analysis/report/convergence/lr-threshold.jsh
import java.util.*;
import java.util.regex.*;
import org.clipbench.analysis.*;
import org.clipbench.strategy.Strategies;
import tech.tablesaw.api.*;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/** The threshold of a spec: the first of c, C, lambda, p, z or d it sets (NaN if none). */
Pattern THRESHOLD = Pattern.compile("(?:^|[:,])(c|C|lambda|p|z|d)=([0-9.eE+-]+)");
double threshold(String spec) {
    Matcher m = THRESHOLD.matcher(spec);
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
}

/** The rule without its threshold, e.g. "dp-flat:epsilon=2" for "dp-flat:C=0.1,epsilon=2": the arms one grid varies. */
String family(String spec) {
    Matcher m = THRESHOLD.matcher(spec);
    if (!m.find()) return spec;
    String rest = (spec.substring(0, m.start()) + (m.start() == spec.indexOf(':') ? ":" : ",") + spec.substring(m.end())).replace(":,", ":").replace(",,", ",");
    return rest.endsWith(":") || rest.endsWith(",") ? rest.substring(0, rest.length() - 1) : rest;
}

/** Held-out accuracy (1 - error rate) when the sweep has one, else the final training loss: the endpoint and its label. */
boolean hasAccuracy(Table runs) {
    return runs.columnNames().contains("eval_error_rate");
}

/** Median endpoint over the seeds that did not diverge, NaN when all diverged. */
double endpoint(Table cell) {
    Table fin = cell.where(cell.stringColumn("diverged").isEqualTo("false"));
    if (fin.rowCount() == 0) return Double.NaN;
    return hasAccuracy(cell) ? 1 - fin.numberColumn("eval_error_rate").median() : fin.numberColumn("final_loss").median();
}

double divergedShare(Table cell) {
    return cell.rowCount() == 0 ? Double.NaN : cell.stringColumn("diverged").countOccurrences("true") / (double) cell.rowCount();
}

/** One edge of the good region as a dashed line through the thresholds that have one. */
Figure.Series edge(String name, double[] x, double[] y) {
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < x.length; i++) if (!Double.isNaN(x[i])) keep.add(i);
    return new Figure.Series(name, keep.stream().mapToDouble(i -> x[i]).toArray(), keep.stream().mapToDouble(i -> y[i]).toArray(), null, null, true, false);
}

void grid(SweepResults s, String fam, List<String> arms) {
    Table runs = s.runs();
    List<Double> lrs = new ArrayList<>(new TreeSet<>(runs.numberColumn("lr").asDoubleColumn().asList()));
    List<String> byThreshold = new ArrayList<>(arms);
    byThreshold.sort(Comparator.comparingDouble(x -> threshold(x)));
    double[] c = byThreshold.stream().mapToDouble(x -> threshold(x)).toArray();
    double[][] end = new double[c.length][lrs.size()], div = new double[c.length][lrs.size()];
    for (int i = 0; i < c.length; i++) {
        for (int j = 0; j < lrs.size(); j++) {
            Table cell = runs.where(runs.stringColumn("strategy").isEqualTo(byThreshold.get(i)).and(runs.numberColumn("lr").isEqualTo(lrs.get(j))));
            end[i][j] = endpoint(cell);
            div[i][j] = divergedShare(cell);
        }
    }
    String id = Plots.slug(s.name() + "-" + fam), what = hasAccuracy(runs) ? "median held-out accuracy" : "median final training loss";
    List<String> xs = lrs.stream().map(x -> String.valueOf(x)).toList(), ys = Arrays.stream(c).mapToObj(x -> "threshold " + x).toList();
    ScriptOutput.figure(Figure.heatmap("lr-threshold-" + id, xs, ys, end).title(s.name() + ", " + fam + ": " + what + " over learning rate x threshold")
            .axes("learning rate", "threshold").caption("Median over the seeds that did not diverge; an empty cell: every seed diverged."));
    ScriptOutput.figure(Figure.heatmap("lr-threshold-diverged-" + id, xs, ys, div).title(s.name() + ", " + fam + ": share of seeds diverged")
            .axes("learning rate", "threshold").valueRange(0, 1).caption("The stable region is where this is 0."));
    // contours over log lr x log threshold, and the good region's edges: per threshold, the smallest and the largest
    // learning rate whose cell had no divergence and an endpoint near the best cell's
    boolean acc = hasAccuracy(runs);
    double best = Arrays.stream(end).flatMapToDouble(Arrays::stream).filter(Double::isFinite).reduce(acc ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY,
            (a, b) -> acc ? Math.max(a, b) : Math.min(a, b));
    double[] x = lrs.stream().mapToDouble(Math::log10).toArray(), y = Arrays.stream(c).map(Math::log10).toArray();
    double[] lowX = new double[c.length], highX = new double[c.length];
    for (int i = 0; i < c.length; i++) {
        lowX[i] = Double.NaN;
        highX[i] = Double.NaN;
        for (int j = 0; j < lrs.size(); j++) {
            boolean good = div[i][j] == 0 && (acc ? end[i][j] >= best - 0.02 : end[i][j] <= 2 * best);
            if (!good) continue;
            if (Double.isNaN(lowX[i])) lowX[i] = x[j];
            highX[i] = x[j];
        }
    }
    String near = acc ? "within 2 points of the best cell's accuracy" : "within twice the best cell's loss";
    if (Arrays.stream(c).allMatch(v -> v > 0) && c.length >= 2 && lrs.size() >= 2) {
        ScriptOutput.figure(Figure.line("lr-threshold-contours-" + id).title(s.name() + ", " + fam + ": " + what + " (contours) and the good region")
                .axes("log10 learning rate", "log10 threshold")
                .surface(new Figure.Surface(what, x, y, end))
                .add(edge("smallest good lr", lowX, y))
                .add(edge("largest good lr", highX, y))
                .caption("Contour lines of the endpoint over the grid; dashed: per threshold, the smallest and the largest learning rate whose runs "
                        + "all finished with the median " + near + " (between them: the good region). Lines of slope -1 are lines of equal lr x threshold."));
    }
}

/** Steps to the target per strategy and learning rate: median over the runs that reached it, and how many did not (censored). */
void timeToTarget(SweepResults s) {
    Table runs = s.runs();
    if (!runs.columnNames().contains("steps_to_target") || runs.numberColumn("steps_to_target").max() < 0) return;
    Table t = Table.create("Steps to the target: " + s.name(), StringColumn.create("strategy"), DoubleColumn.create("lr"), IntColumn.create("runs"),
            IntColumn.create("reached"), DoubleColumn.create("median_steps_reached"), DoubleColumn.create("budget_steps"),
            DoubleColumn.create("median_wall_s_per_step"));
    Figure f = Figure.scatter("time-to-target-" + Plots.slug(s.name())).title(s.name() + ": steps to the target").axes("learning rate", "steps to target").logX().logY()
            .caption("Filled: runs that reached the target. Hollow at the budget: runs that never did (censored: their time to target is at least the budget).");
    for (String st : Plots.sorted(runs, "strategy")) {
        Table arm = runs.where(runs.stringColumn("strategy").isEqualTo(st));
        List<Double> rx = new ArrayList<>(), ry = new ArrayList<>(), cx = new ArrayList<>(), cy = new ArrayList<>();
        for (double lr : new TreeSet<>(arm.numberColumn("lr").asDoubleColumn().asList())) {
            Table cell = arm.where(arm.numberColumn("lr").isEqualTo(lr));
            DoubleColumn steps = cell.numberColumn("steps_to_target").asDoubleColumn();
            Table reached = cell.where(steps.isGreaterThanOrEqualTo(0));
            double budget = cell.numberColumn("steps").max();
            for (double v : reached.numberColumn("steps_to_target").asDoubleColumn().asList()) { rx.add(lr); ry.add(Math.max(1, v)); }
            for (int k = reached.rowCount(); k < cell.rowCount(); k++) { cx.add(lr); cy.add(budget); }
            DoubleColumn perStep = cell.numberColumn("wall_s").asDoubleColumn().divide(cell.numberColumn("steps_run").asDoubleColumn());
            t.stringColumn("strategy").append(st);
            t.doubleColumn("lr").append(lr);
            t.intColumn("runs").append(cell.rowCount());
            t.intColumn("reached").append(reached.rowCount());
            t.doubleColumn("median_steps_reached").append(reached.rowCount() == 0 ? Double.NaN : reached.numberColumn("steps_to_target").median());
            t.doubleColumn("budget_steps").append(budget);
            t.doubleColumn("median_wall_s_per_step").append(perStep.median());
        }
        if (!rx.isEmpty()) f.add(new Figure.Series(st, rx.stream().mapToDouble(d -> d).toArray(), ry.stream().mapToDouble(d -> d).toArray(), null, null, false, true));
        if (!cx.isEmpty()) f.add(new Figure.Series(st + " (censored)", cx.stream().mapToDouble(d -> d).toArray(), cy.stream().mapToDouble(d -> d).toArray(), null, null, true, true));
    }
    if (f.series().size() <= Figure.MAX_SERIES_PER_AXES) ScriptOutput.figure(f);
    ScriptOutput.table(t.name(), t);
}

/** Strategies by rule, then by threshold as a number (c=3 before c=10). */
List<String> byFamilyAndThreshold(List<String> strategies) {
    List<String> out = new ArrayList<>(strategies);
    out.sort(Comparator.comparing((String x) -> family(x)).thenComparingDouble(x -> Double.isNaN(threshold(x)) ? 0 : threshold(x)));
    return out;
}

/**
 * Per learning rate, each strategy against "none": how many seeds diverged on each side, and on the seeds where
 * both finished the per-seed difference of the endpoint with a two-sided Wilcoxon p (blank with fewer than two
 * such seeds: where no clipping diverged, the divergence counts are the comparison).
 */
void paired(SweepResults s) {
    Table runs = s.runs();
    if (!runs.stringColumn("strategy").contains("none")) return;
    boolean acc = hasAccuracy(runs);
    Table t = Table.create("Paired against no clipping: " + s.name(), StringColumn.create("strategy"), DoubleColumn.create("lr"),
            StringColumn.create("diverged"), StringColumn.create("diverged_without_clipping"), IntColumn.create("paired_seeds"),
            DoubleColumn.create(acc ? "median_accuracy_gain" : "median_final_loss_change"), DoubleColumn.create("share_of_seeds_better"), DoubleColumn.create("wilcoxon_p"));
    for (double lr : new TreeSet<>(runs.numberColumn("lr").asDoubleColumn().asList())) {
        Table all = runs.where(runs.numberColumn("lr").isEqualTo(lr));
        Table at = all.where(all.stringColumn("diverged").isEqualTo("false"));
        Table noneRuns = all.where(all.stringColumn("strategy").isEqualTo("none"));
        String noneDiverged = (noneRuns.rowCount() - noneRuns.where(noneRuns.stringColumn("diverged").isEqualTo("false")).rowCount()) + "/" + noneRuns.rowCount();
        Map<Double, Double> base = new HashMap<>();
        for (Row r : at.where(at.stringColumn("strategy").isEqualTo("none"))) base.put(r.getNumber("seed"), acc ? 1 - r.getNumber("eval_error_rate") : r.getNumber("final_loss"));
        for (String st : byFamilyAndThreshold(Plots.sorted(all, "strategy"))) {
            if (st.equals("none")) continue;
            Table mine = all.where(all.stringColumn("strategy").isEqualTo(st));
            int finished = mine.where(mine.stringColumn("diverged").isEqualTo("false")).rowCount();
            List<double[]> pairs = new ArrayList<>();
            for (Row r : at.where(at.stringColumn("strategy").isEqualTo(st))) {
                Double b = base.get(r.getNumber("seed"));
                if (b != null) pairs.add(new double[] {acc ? 1 - r.getNumber("eval_error_rate") : r.getNumber("final_loss"), b});
            }
            t.stringColumn("strategy").append(st);
            t.doubleColumn("lr").append(lr);
            t.stringColumn("diverged").append((mine.rowCount() - finished) + "/" + mine.rowCount());
            t.stringColumn("diverged_without_clipping").append(noneDiverged);
            t.intColumn("paired_seeds").append(pairs.size());
            if (pairs.size() < 2) {
                for (int c = 5; c <= 7; c++) t.doubleColumn(c).appendMissing();
                continue;
            }
            double[] a = pairs.stream().mapToDouble(p -> p[0]).toArray(), b = pairs.stream().mapToDouble(p -> p[1]).toArray();
            double[] d = new double[a.length];
            int better = 0;
            for (int i = 0; i < d.length; i++) {
                d[i] = a[i] - b[i];
                if (acc ? d[i] > 0 : d[i] < 0) better++;
            }
            boolean allEqual = Arrays.stream(d).allMatch(v -> v == 0);
            t.doubleColumn(5).append(new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(d));
            t.doubleColumn(6).append((double) better / d.length);
            // Commons Math's exact two-sided p can pass 1 with tied or zero differences: a p-value is at most 1
            t.doubleColumn(7).append(allEqual ? 1.0 : Math.min(1, new WilcoxonSignedRankTest().wilcoxonSignedRankTest(a, b, d.length <= 30)));
        }
    }
    if (t.rowCount() > 0) ScriptOutput.table(t.name(), t);
}

for (SweepResults s : ScriptOutput.sweeps()) {
    Map<String, List<String>> families = new TreeMap<>();
    for (String st : Plots.sorted(s.runs(), "strategy")) {
        if (!Double.isNaN(threshold(st))) families.computeIfAbsent(family(st), k -> new ArrayList<>()).add(st);
    }
    boolean severalLrs = new HashSet<>(s.runs().numberColumn("lr").asDoubleColumn().asList()).size() >= 2;
    for (var e : families.entrySet()) if (e.getValue().size() >= 2 && severalLrs) grid(s, e.getKey(), e.getValue());
    timeToTarget(s);
    paired(s);
}
/exit
