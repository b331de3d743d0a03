package org.clipbench.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The history's query results as text, CSV, and github-action-benchmark's "custom" JSON. */
public final class HistoryExport {
    /** Every value with its run, in history order. */
    public static final String ALL_VALUES = "SELECT r.git_sha, CAST(r.commit_time AS VARCHAR) AS commit_time, CAST(r.run_time AS VARCHAR) AS run_time, "
            + "r.kind, r.fingerprint, m.series, m.benchmark, m.params, m.metric, m.unit, m.higher_is_better, m.value, r.run_key "
            + "FROM measurements m JOIN runs r USING (run_key) ORDER BY r.commit_time NULLS LAST, r.run_time, m.series";
    /** The values of the newest run (by commit time, then run time). */
    public static final String NEWEST_RUN = "SELECT m.series, m.unit, m.higher_is_better, m.value, r.git_sha FROM measurements m JOIN runs r USING (run_key) "
            + "WHERE r.run_key = (SELECT run_key FROM runs ORDER BY commit_time DESC NULLS LAST, run_time DESC LIMIT 1) ORDER BY m.series";

    private HistoryExport() {
    }

    public static String text(HistoryDatabase.Rows r) {
        StringBuilder sb = new StringBuilder(String.join(" | ", r.columns())).append('\n');
        for (List<String> row : r.rows()) sb.append(String.join(" | ", row.stream().map(v -> v == null ? "" : v).toList())).append('\n');
        sb.append("(").append(r.rows().size()).append(" rows)\n");
        return sb.toString();
    }

    public static String csv(HistoryDatabase.Rows r) {
        StringBuilder sb = new StringBuilder(String.join(",", r.columns())).append('\n');
        for (List<String> row : r.rows()) {
            sb.append(String.join(",", row.stream().map(HistoryExport::csvCell).toList())).append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String v) {
        if (v == null) return "";
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    /**
     * github-action-benchmark's custom tools take one direction per file: the newest run's values of that
     * direction as [{"name", "unit", "value", "extra"}] (customBiggerIsBetter or customSmallerIsBetter).
     */
    public static String githubActionBenchmark(HistoryDatabase.Rows newest, boolean biggerIsBetter) {
        ObjectMapper json = new ObjectMapper();
        ArrayNode out = json.createArrayNode();
        for (List<String> row : newest.rows()) {
            if (Boolean.parseBoolean(row.get(2)) != biggerIsBetter) continue;
            ObjectNode o = out.addObject();
            o.put("name", row.get(0));
            o.put("unit", row.get(1));
            o.put("value", Double.parseDouble(row.get(3)));
            o.put("extra", "commit " + row.get(4));
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
