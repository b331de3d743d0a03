package org.clipbench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Every refused figure of a report in one list: summary.md shows a figure it will not vouch for as
 * "— (why)" in its table (analysis.Derived); this collects those cells, each with its table, row and
 * column, so that a reader sees at once what the run could not say.
 */
final class RefusedCells {
    private RefusedCells() {
    }

    static final String MARK = "— (";

    /** One line per refused cell of the Markdown tables in md: "table: row: column: why". */
    static List<String> in(String md) {
        List<String> out = new ArrayList<>();
        String title = "";
        List<String> header = List.of();
        boolean inTable = false;
        for (String line : md.split("\n")) {
            if (line.startsWith("#")) title = line.replaceFirst("^#+\\s*", "");
            if (!line.startsWith("|")) {
                inTable = false;
                continue;
            }
            List<String> cells = cells(line);
            if (!inTable) {
                header = cells;
                inTable = true;
                continue;
            }
            if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) continue; // the alignment row
            for (int i = 0; i < cells.size(); i++) {
                String c = cells.get(i);
                if (!c.startsWith(MARK)) continue;
                String why = c.substring(MARK.length(), c.endsWith(")") ? c.length() - 1 : c.length());
                String column = i < header.size() ? header.get(i) : "column " + (i + 1);
                out.add(title + ": " + rowLabel(cells, i) + ": " + column + ": " + why);
            }
        }
        return out;
    }

    /**
     * The row's identifying cells: its first three, then the words (not numbers, not refusals) before the refused
     * column, so that "adamw pytorch f32" also names its data set and clip.
     */
    private static String rowLabel(List<String> cells, int refusedColumn) {
        List<String> label = new ArrayList<>();
        for (int i = 0; i < refusedColumn; i++) {
            String c = cells.get(i);
            if (c.isEmpty() || c.startsWith(MARK) || i >= 3 && c.matches("[-+−]?[0-9.].*")) continue; // a number, maybe with its unit
            label.add(c);
        }
        return String.join(" ", label);
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") && inner.length() > 1 ? inner.length() - 1 : inner.length());
        List<String> out = new ArrayList<>();
        for (String c : inner.split("(?<!\\\\)\\|", -1)) out.add(c.strip());
        return out;
    }

    /** The section summary.md ends with: every refused cell; empty when there is none. */
    static String section(String md) {
        List<String> refused = in(md);
        if (refused.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("## Refused figures\n\n");
        sb.append(refused.size()).append(" figures are shown as \"—\" with the reason: a time at or below 0, a result not at steady state, an "
                + "interval too wide to vouch for (analysis.Derived), or a figure beyond its physical bound (a step faster with the clip than without "
                + "it, a clip faster than the memory limit of its passes).\n\n");
        refused.forEach(r -> sb.append("- ").append(r).append('\n'));
        return sb.append('\n').toString();
    }
}
