package org.clipbench.accuracy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.clipbench.analysis.Figure;
import org.clipbench.io.Markdown;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The tables and figures of an accuracy folder (accuracy.csv, grouping.csv, largest-finite.csv, written by
 * {@link AccuracyRun}): per value law the relative error of every implementation against the gradient size, the
 * grouping-invariance verdict per implementation and combination, the largest finite norm, and per dtype an
 * error-versus-size figure (log-log, a panel per law). The report's accuracy section and accuracy.md show them.
 */
public record AccuracyTables(Path dir, List<Map<String, String>> accuracy, List<Map<String, String>> grouping, List<Map<String, String>> largest) {

    /** Whether a folder holds an accuracy run (itself, or its accuracy/ subfolder). */
    public static Path find(Path folder) {
        if (Files.isRegularFile(folder.resolve("accuracy.csv"))) return folder;
        Path sub = folder.resolve("accuracy");
        return Files.isRegularFile(sub.resolve("accuracy.csv")) ? sub : null;
    }

    /** The three CSV files of an accuracy folder; IllegalArgumentException naming a file that is not one of ours. */
    public static AccuracyTables load(Path dir) throws IOException {
        return new AccuracyTables(dir, read(dir.resolve("accuracy.csv"), AccuracyRun.ACCURACY_HEADER),
                read(dir.resolve("grouping.csv"), AccuracyRun.GROUPING_HEADER), read(dir.resolve("largest-finite.csv"), AccuracyRun.LARGEST_HEADER));
    }

    private static List<Map<String, String>> read(Path f, String[] header) throws IOException {
        List<Map<String, String>> rows = new ArrayList<>();
        if (!Files.isRegularFile(f)) return rows;
        List<String> lines = Files.readAllLines(f);
        if (lines.isEmpty() || !lines.get(0).equals(String.join(",", header))) {
            throw new IllegalArgumentException(f + ": not an accuracy table of this version (its first line should be " + String.join(",", header) + ")");
        }
        for (int i = 1; i < lines.size(); i++) {
            List<String> cells = split(lines.get(i));
            if (cells.size() != header.length) throw new IllegalArgumentException(f + ": line " + (i + 1) + " has " + cells.size() + " cells, not " + header.length);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) row.put(header[c], cells.get(c));
            rows.add(row);
        }
        return rows;
    }

    /** One CSV line as AccuracyRun.csv writes it: commas, fields with a comma or quote in double quotes. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out;
    }

    // ---------------------------------------------------------------- tables

    /** The sizes shown as columns: every one measured, or every other power of two (and 2^27) when there are more than 12. */
    List<Integer> shownSizes() {
        TreeSet<Integer> all = new TreeSet<>();
        for (Map<String, String> r : accuracy) all.add(Integer.parseInt(r.get("log2_n")));
        if (all.size() <= 12) return List.copyOf(all);
        List<Integer> out = new ArrayList<>();
        for (int k : all) if (k % 2 == 0 || k == 27 || k == all.last()) out.add(k);
        return out;
    }

    static String sizeLabel(int log2) {
        if (log2 >= 30 && log2 % 10 == 0) return (1 << (log2 - 30)) + "G";
        if (log2 >= 20) return (1 << (log2 - 20)) + "M";
        if (log2 >= 10) return (1 << (log2 - 10)) + "K";
        return Integer.toString(1 << log2);
    }

    /** The cell of a relative error: 0 when exact, 3 significant digits, Inf and NaN as such, "—" with the reason when not run. */
    static String errorCell(Map<String, String> r) {
        if (r == null) return "";
        if (!r.get("note").isEmpty()) return "— (" + r.get("note") + ")";
        String e = r.get("rel_error");
        if (e.isEmpty()) return "— (the exact norm is not finite)";
        if (e.equals("Infinity")) {
            double exact = Double.parseDouble(r.get("exact"));
            return Double.isInfinite(exact) ? "Inf (the exact norm is beyond double's range)" : String.format(Locale.ROOT, "Inf (exact %.3g)", exact);
        }
        if (e.equals("NaN")) return "NaN";
        double v = Double.parseDouble(e);
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.2g", v);
    }

    /** Laws in the order they were measured. */
    List<String> laws() {
        Set<String> out = new LinkedHashSet<>();
        accuracy.forEach(r -> out.add(r.get("law")));
        return List.copyOf(out);
    }

    /** Per law: implementation and dtype down, sizes across, relative error in the cells. */
    public Map<String, Table> errorTables() {
        Map<String, Table> out = new LinkedHashMap<>();
        List<Integer> sizes = shownSizes();
        for (String law : laws()) {
            Map<String, Map<Integer, Map<String, String>>> byImpl = new LinkedHashMap<>();
            for (Map<String, String> r : accuracy) {
                if (!r.get("law").equals(law)) continue;
                byImpl.computeIfAbsent(r.get("implementation") + "\u0000" + r.get("dtype"), k -> new LinkedHashMap<>())
                        .put(Integer.parseInt(r.get("log2_n")), r);
            }
            Table t = Table.create(law);
            StringColumn impl = StringColumn.create("implementation"), dtype = StringColumn.create("dtype");
            List<StringColumn> cols = new ArrayList<>();
            for (int k : sizes) cols.add(StringColumn.create(sizeLabel(k)));
            byImpl.forEach((key, bySize) -> {
                String[] kd = key.split("\u0000");
                impl.append(kd[0]);
                dtype.append(kd[1]);
                for (int i = 0; i < sizes.size(); i++) cols.get(i).append(errorCell(bySize.get(sizes.get(i))));
            });
            t.addColumns(impl, dtype);
            cols.forEach(t::addColumns);
            out.put(law, t);
        }
        return out;
    }

    /** Per implementation, dtype and combination: the largest difference from the unsharded norm over k, and the verdict against the bound. */
    public Table groupingTable() {
        Map<String, double[]> worst = new LinkedHashMap<>(); // {max ulps, first k past the bound (0: none), shards measured}
        Map<String, String> notes = new LinkedHashMap<>();
        for (Map<String, String> r : grouping) {
            String key = r.get("implementation") + "\u0000" + r.get("dtype") + "\u0000" + r.get("combination") + "\u0000" + r.get("n");
            if (!r.get("note").isEmpty()) {
                notes.put(key, r.get("note"));
                continue;
            }
            double[] w = worst.computeIfAbsent(key, k -> new double[3]);
            double ulps = Double.parseDouble(r.get("diff_ulps"));
            int k = Integer.parseInt(r.get("k"));
            w[0] = Math.max(w[0], Double.isNaN(ulps) ? Double.POSITIVE_INFINITY : ulps);
            if (r.get("within").equals("no") && w[1] == 0) w[1] = k;
            w[2] = Math.max(w[2], k);
        }
        Table t = Table.create("grouping");
        StringColumn impl = StringColumn.create("implementation"), dtype = StringColumn.create("dtype"), how = StringColumn.create("combination"),
                n = StringColumn.create("n"), max = StringColumn.create("largest difference (ulps)"), verdict = StringColumn.create("verdict");
        worst.forEach((key, w) -> {
            String[] p = key.split("\u0000");
            impl.append(p[0]);
            dtype.append(p[1]);
            how.append(p[2]);
            n.append(p[3]);
            max.append(String.format(Locale.ROOT, "%.3g", w[0]));
            verdict.append(w[1] == 0 ? "within " + AccuracyRun.GROUPING_BOUND_ULPS + " ulps for k = 1.." + (int) w[2]
                    : "exceeds " + AccuracyRun.GROUPING_BOUND_ULPS + " ulps from k = " + (int) w[1]);
        });
        notes.forEach((key, note) -> {
            String[] p = key.split("\u0000");
            impl.append(p[0]);
            dtype.append(p[1]);
            how.append("");
            n.append(p[3]);
            max.append("");
            verdict.append("— (" + note + ")");
        });
        t.addColumns(impl, dtype, how, n, max, verdict);
        return t;
    }

    public Table largestTable() {
        Table t = Table.create("largest finite");
        StringColumn impl = StringColumn.create("implementation"), dtype = StringColumn.create("dtype"), n = StringColumn.create("entries"),
                entry = StringColumn.create("largest entry with a finite norm"), norm = StringColumn.create("norm returned"),
                exact = StringColumn.create("exact norm there"), early = StringColumn.create("overflows early (its sum of squares)");
        for (Map<String, String> r : largest) {
            impl.append(r.get("implementation"));
            dtype.append(r.get("dtype"));
            n.append(r.get("n"));
            boolean ran = r.get("note").isEmpty();
            entry.append(ran ? short3(r.get("largest_entry")) : "— (" + r.get("note") + ")");
            norm.append(ran ? short3(r.get("norm")) : "");
            exact.append(ran ? short3(r.get("exact_norm")) : "");
            early.append(r.get("overflows_early"));
        }
        t.addColumns(impl, dtype, n, entry, norm, exact, early);
        return t;
    }

    private static String short3(String number) {
        try {
            return String.format(Locale.ROOT, "%.4g", Double.parseDouble(number));
        } catch (NumberFormatException e) {
            return number;
        }
    }

    /** The tables by title, as the report shows them. */
    public Map<String, Table> tables() {
        Map<String, Table> out = new LinkedHashMap<>();
        errorTables().forEach((law, t) -> out.put("Relative error of the global L2 norm: " + law, t));
        if (!grouping.isEmpty()) out.put("Grouping invariance: k shards combined vs the unsharded norm", groupingTable());
        if (!largest.isEmpty()) out.put("Largest finite norm before Inf", largestTable());
        return out;
    }

    /** accuracy.md: what was measured, then the tables. */
    public String markdown() {
        StringBuilder md = new StringBuilder("## Accuracy of the global L2 norm\n\n").append(method()).append("\n\n");
        for (Map.Entry<String, Table> e : tables().entrySet()) {
            md.append("### ").append(e.getKey()).append("\n\n").append(Markdown.table(e.getValue())).append('\n');
        }
        return md.toString();
    }

    /** One paragraph on the method, the same in every report. */
    public static String method() {
        StringBuilder laws = new StringBuilder();
        for (ValueLaw l : ValueLaw.values()) laws.append(laws.length() == 0 ? "" : "; ").append(l.label()).append(": ").append(l.description());
        return "Each cell: |computed − exact| / exact for the global L2 norm of one gradient tensor of n entries (n across), the exact norm "
                + "from an exact sum of the squares of the stored values (a fixed-point accumulator wide enough for every double; 34 digits of "
                + "its square root). JVM rows: backend and norm kind on one tensor; peers: torch.nn.utils.clip_grad_norm_ (its returned "
                + "total norm, in the gradient's dtype) and optax's global norm under jax.jit, on the same bits. 0 = exact; Inf = the norm "
                + "overflowed. Value laws: " + laws + ". Grouping: the gradient (standard normal) split into k contiguous shards, each "
                + "shard's norm by the same implementation, combined correctly (sqrt of the sum of squared shard norms, as FSDP and tensor "
                + "parallelism do) and by the two common bugs (the sum of the shard norms; the square root of their sum) — the bugs are "
                + "the negative control — against the unsharded norm, in units in the last place of the storage dtype; the bound is "
                + AccuracyRun.GROUPING_BOUND_ULPS + " ulps. Largest finite norm: the largest value v of the dtype for which the norm "
                + "of n entries all equal to v is finite (bisection over v's bit patterns).";
    }

    // ---------------------------------------------------------------- figures

    /** Errors of exactly 0 are drawn here (below double's resolution), errors of 1 or more (and Inf) at 10. */
    static final double FLOOR = 1e-17, CEILING = 10;

    /** Per dtype: relative error against size, log-log, a panel per value law, a series per implementation (naive kernels dashed). */
    public List<Figure> figures() {
        Map<String, Map<String, Map<String, List<double[]>>>> byDtype = new LinkedHashMap<>(); // dtype -> law -> impl -> (n, err)
        for (Map<String, String> r : accuracy) {
            if (!r.get("note").isEmpty() || r.get("rel_error").isEmpty() || !shownInFigure(r)) continue;
            double err = Double.parseDouble(r.get("rel_error"));
            double y = Double.isNaN(err) ? Double.NaN : err == 0 ? FLOOR : Math.min(err, CEILING);
            byDtype.computeIfAbsent(r.get("dtype"), k -> new LinkedHashMap<>()).computeIfAbsent(r.get("law"), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.get("implementation"), k -> new ArrayList<>()).add(new double[] {Double.parseDouble(r.get("n")), y});
        }
        List<Figure> out = new ArrayList<>();
        byDtype.forEach((dtype, byLaw) -> {
            Figure f = Figure.line("accuracy-error-vs-size-" + dtype).title("Relative error of the global L2 norm, " + dtype + ", against gradient size")
                    .axes("entries", "relative error").logX().logY()
                    .caption("|computed − exact| / exact, exact from an exact sum of squares of the stored values; one panel per value law. "
                            + "Exact results are drawn at " + FLOOR + ", errors of 1 or more (and overflow to Inf) at " + CEILING
                            + "; naive kernels dashed. Every implementation and kind is in the tables.");
            byLaw.forEach((law, byImpl) -> byImpl.forEach((impl, points) -> {
                double[] x = points.stream().mapToDouble(p -> p[0]).toArray(), y = points.stream().mapToDouble(p -> p[1]).toArray();
                f.add(new Figure.Series(impl, x, y, null, null, impl.endsWith(" naive")).inPanel(law));
            }));
            out.add(f);
        });
        return out;
    }

    /** The figure shows each backend's naive and safe kernels and library norm where it has its own, and the peers; the tables show all. */
    static boolean shownInFigure(Map<String, String> r) {
        String kernel = r.get("kernel");
        return !kernel.equals("fast-safe");
    }
}
