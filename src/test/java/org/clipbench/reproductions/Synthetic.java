package org.clipbench.reproductions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Small hand-made sweep results (runs.csv and curves.csv as tables) for the verdict tests. */
final class Synthetic {
    private final String name;
    private final List<Map<String, Object>> runs = new ArrayList<>();
    private final List<Object[]> curves = new ArrayList<>();
    private final Map<String, Object> common = new LinkedHashMap<>();

    Synthetic(String name) {
        this.name = name;
    }

    /** Columns every run gets (e.g. problem_length). */
    Synthetic common(String key, Object value) {
        common.put(key, value);
        return this;
    }

    /**
     * A run; fields alternate key, value. Defaults: lr 0.1, diverged false, final_loss 1, steps 100, clip_fraction
     * 0 for "none" and 0.5 for any other strategy (so the gates pass unless a test says otherwise). Returns its id.
     */
    String run(String strategy, long seed, Object... fields) {
        Map<String, Object> r = new LinkedHashMap<>();
        String id = strategy + "-s" + seed + "-" + runs.size();
        r.put("run_id", id);
        r.put("strategy", strategy);
        r.put("seed", (double) seed);
        r.put("lr", 0.1);
        r.put("diverged", "false");
        r.put("final_loss", 1.0);
        r.put("steps", 100.0);
        r.put("clip_fraction", strategy.equals("none") ? 0.0 : 0.5);
        r.putAll(common);
        for (int i = 0; i < fields.length; i += 2) r.put((String) fields[i], fields[i + 1]);
        runs.add(r);
        return id;
    }

    /** A curve of a run: values at steps 0, 1, 2, ... */
    Synthetic curve(String runId, String metric, double... values) {
        for (int i = 0; i < values.length; i++) curves.add(new Object[] {runId, i, metric, values[i]});
        return this;
    }

    SweepResults build() {
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(r.keySet()));
        Table t = Table.create("runs");
        for (String k : keys) {
            Object sample = runs.stream().map(r -> r.get(k)).filter(v -> v != null).findFirst().orElse("");
            if (sample instanceof Number) {
                DoubleColumn c = DoubleColumn.create(k);
                for (var r : runs) c.append(r.get(k) == null ? Double.NaN : ((Number) r.get(k)).doubleValue());
                t.addColumns(c);
            } else {
                StringColumn c = StringColumn.create(k);
                for (var r : runs) c.append(r.get(k) == null ? "" : r.get(k).toString());
                t.addColumns(c);
            }
        }
        StringColumn label = StringColumn.create("lr_label");
        for (double lr : t.doubleColumn("lr")) label.append(java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString());
        t.addColumns(label);
        StringColumn id = StringColumn.create("run_id"), metric = StringColumn.create("metric");
        IntColumn step = IntColumn.create("step");
        DoubleColumn value = DoubleColumn.create("value");
        for (Object[] c : curves) {
            id.append((String) c[0]);
            step.append((Integer) c[1]);
            metric.append((String) c[2]);
            value.append((Double) c[3]);
        }
        return new SweepResults(Path.of(name), name, t, Table.create("curves", id, step, metric, value));
    }

    static Map<String, SweepResults> of(SweepResults... sweeps) {
        Map<String, SweepResults> m = new LinkedHashMap<>();
        for (SweepResults s : sweeps) m.put(s.name(), s);
        return m;
    }
}
