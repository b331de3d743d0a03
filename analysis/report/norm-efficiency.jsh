// How close each backend's L2 norm comes to the memory limit, per data set (ordinary values, 1 thread):
// the best norm kind of each backend as a share of the achievable time (the same run's STREAM bandwidth),
// whiskers from the JMH 99.9% interval. The report runs this script over its inputs; by hand, from the
// project root after a build:
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick -R-Dout=target/figures analysis/report/norm-efficiency.jsh
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

/** One dot per backend and data set: achievable / measured time of the backend's best norm kind there. */
Figure efficiency(Table n) {
    List<String> sizes = n.stringColumn("data").unique().asList().stream().sorted().toList();
    Figure f = Figure.dots("norm-pct-of-achievable", sizes).title("Best L2 norm kind per backend, % of the achievable time")
            .axes("size", "achievable time / time, % (whiskers: from the JMH 99.9% interval)");
    for (String backend : n.stringColumn("backend").unique().asList().stream().sorted().toList()) {
        double[] y = new double[sizes.size()], lo = new double[y.length], hi = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            Table c = n.where(n.stringColumn("backend").isEqualTo(backend).and(n.stringColumn("data").isEqualTo(sizes.get(i)))).sortDescendingOn("pct_achievable");
            boolean any = c.rowCount() > 0;
            double a = any ? c.doubleColumn("achievable_ns").getDouble(0) : Double.NaN;
            double time = any ? c.doubleColumn("ns_op").getDouble(0) : Double.NaN, err = any ? c.doubleColumn("error").getDouble(0) : Double.NaN;
            y[i] = 100 * a / time;
            lo[i] = 100 * a / (time + err);
            hi[i] = time > err ? 100 * a / (time - err) : Double.POSITIVE_INFINITY;
        }
        f.estimates(backend, y, lo, hi);
    }
    return f;
}

Table jmh = ScriptOutput.jmh();
if (jmh != null) {
    Table norms = KernelSummary.build(jmh).norms();
    Table n = norms.where(norms.stringColumn("values").isEqualTo("ordinary").and(norms.stringColumn("threads").isEqualTo("1")));
    if (n.rowCount() > 0) ScriptOutput.figure(efficiency(n));
}
/exit
