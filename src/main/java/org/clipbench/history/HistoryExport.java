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
     * A value as history add lets one in: a finite number, and above 0 where it has a unit (a time per call, a time, a rate).
     * A database edited outside ClipBench exported NaN, -5.0 and Infinity to the dashboard; it is refused, naming the series.
     */
    static double checkedValue(String series, String unit, String text) {
        double v = switch (text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "nan", "-nan" -> Double.NaN;
            case "inf", "infinity", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "" -> Double.NaN; // NULL
            default -> Double.parseDouble(text.strip());
        };
        boolean hasUnit = unit != null && !unit.isBlank();
        if (!Double.isFinite(v) || (hasUnit && !(v > 0))) {
            throw new IllegalArgumentException("history export: the newest run's value of '" + series + "' is " + (text == null ? "NULL" : text)
                    + (hasUnit ? " " + unit : "") + ", which history add refuses (" + (hasUnit ? "a finite number above 0" : "a finite number")
                    + "): the database was changed outside ClipBench; correct or delete that row, or build the history again with history add");
        }
        return v;
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
            o.put("value", checkedValue(row.get(0), row.get(1), row.get(3)));
            o.put("extra", "commit " + row.get(4));
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
