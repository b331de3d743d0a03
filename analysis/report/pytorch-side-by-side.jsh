// The JVM backends beside the peers (PyTorch of each version, JAX/optax), from one run: global-norm clip (separate tensors,
// each regime with its like), net time per call (restore subtracted or untimed), speed-up over the peer, effective GB/s and % of the
// memory limit (the limit of the clip's passes from the same run's read and in-place rates; a row above it
// is refused with its flag; see docs/results.md), per data set, dtype and thread count. The report runs
// this script over its inputs; by hand, from the project root after a build (prints the table):
//   jshell -R--add-modules=jdk.incubator.vector --class-path target/benchmarks.jar \
//          -R-Dresults=results/reference/quick analysis/report/pytorch-side-by-side.jsh
import java.util.*;
import org.clipbench.analysis.*;
import tech.tablesaw.api.*;

/** A positive time in its unit, marked † when not at steady state; a time at or below 0 is refused with why. */
String time(double ns, String steady) { return ns > 0 ? org.clipbench.io.Markdown.time(ns) + mark(steady) : "— (at or below 0: the restore measured apart took longer than the call)"; }
String mark(String steady) { return steady.equals("yes") ? "" : " †"; }

/** The peers' labels among the rows (pytorch 2.13.0, pytorch 1.13.1, jax 0.10.2; "pytorch" in results of older versions). */
List<String> peers(Table gn) {
    List<String> out = new ArrayList<>();
    for (String b : gn.stringColumn("backend").unique().asList()) if (JmhResults.isPeer(b, "pytorch") || JmhResults.isPeer(b, "jax")) out.add(b);
    Collections.sort(out);
    return out;
}

/** The clip rows of every JVM backend joined to each peer's row of the same data set, dtype, threads and regime. */
Table sideBySide(Table clipping) {
    Table gn = clipping.where(clipping.stringColumn("strategy").isEqualTo("global-norm").and(clipping.stringColumn("layout").isEqualTo("separate")));
    Table out = Table.create("side by side");
    for (String c : List.of("data", "dtype", "threads", "regime", "peer", "peer time", "backend", "net time", "× peer [95% interval]", "eff. GB/s", "% of memory limit")) out.addColumns(StringColumn.create(c));
    List<String> peers = peers(gn);
    Table jvm = gn;
    for (String p : peers) jvm = jvm.where(jvm.stringColumn("backend").isNotEqualTo(p));
    for (String peerLabel : peers) {
        Table peer = gn.where(gn.stringColumn("backend").isEqualTo(peerLabel)).selectColumns("dtype", "data", "threads", "regime", "net_ns", "net_error", "samples", "steady");
        peer.column("samples").setName("peer_samples");
        peer.column("net_ns").setName("peer_ns");
        peer.column("net_error").setName("peer_error");
        peer.column("steady").setName("peer_steady");
        Table j = jvm.joinOn("dtype", "data", "threads", "regime").inner(peer).sortOn("dtype", "threads", "data", "regime", "backend");
        j = j.where(j.doubleColumn("net_ns").isNotMissing().and(j.doubleColumn("peer_ns").isNotMissing())); // no net time (its restore not measured): nothing to compare
        for (int r = 0; r < j.rowCount(); r++) {
            // a speed-up only from two positive times at steady state whose interval is bounded and narrow (Derived says why not)
            Derived x = Derived.ratio(Derived.Time.of(j, r, "peer_ns", "peer_error", "peer_samples", "peer_steady"),
                    Derived.Time.of(j, r, "net_ns", "net_error", "samples", "steady"));
            boolean netShown = j.doubleColumn("net_ns").getDouble(r) > 0 && j.stringColumn("steady").get(r).equals("yes");
            out.stringColumn("data").append(j.stringColumn("data").get(r));
            out.stringColumn("dtype").append(j.stringColumn("dtype").get(r));
            out.stringColumn("threads").append(j.stringColumn("threads").get(r));
            out.stringColumn("regime").append(j.stringColumn("regime").get(r));
            out.stringColumn("peer").append(peerLabel);
            out.stringColumn("peer time").append(time(j.doubleColumn("peer_ns").getDouble(r), j.stringColumn("peer_steady").get(r)));
            out.stringColumn("backend").append(j.stringColumn("backend").get(r));
            out.stringColumn("net time").append(time(j.doubleColumn("net_ns").getDouble(r), j.stringColumn("steady").get(r)));
            out.stringColumn("× peer [95% interval]").append(x.cell("%.2f"));
            out.stringColumn("eff. GB/s").append(netShown ? String.format(Locale.ROOT, "%.1f", j.doubleColumn("eff_gbps").getDouble(r)) : "— (no positive steady net time)");
            double pct = j.doubleColumn("pct_achievable").getDouble(r);
            String flag = j.stringColumn("flag").get(r);
            // a row faster than its limit carries a flag (KernelSummary.withFlags): refused with it, never read as a finding
            out.stringColumn("% of memory limit").append(!netShown ? "— (no positive steady net time)"
                    : !flag.isEmpty() ? "— (" + flag + ")" : Double.isNaN(pct) ? "— (no read rate measured for this size and threads)"
                    : String.format(Locale.ROOT, "%.0f%%", pct));
        }
    }
    return out;
}

Table jmh = ScriptOutput.jmh();
if (jmh != null) {
    Table clipping = KernelSummary.build(jmh).clipping();
    if (clipping.rowCount() > 0) {
        Table t = sideBySide(clipping);
        if (t.rowCount() > 0) ScriptOutput.table("Global-norm clip beside the peers (PyTorch, JAX): net time per call († not at steady state)", t);
    }
}
/exit
