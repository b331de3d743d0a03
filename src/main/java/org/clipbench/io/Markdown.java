package org.clipbench.io;

import java.util.Locale;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Renders a Tablesaw table as a GitHub Markdown table, numbers with sensible precision. */
public final class Markdown {
    private Markdown() {
    }

    public static String table(Table t) {
        StringBuilder sb = new StringBuilder("|");
        for (String c : t.columnNames()) sb.append(' ').append(c).append(" |");
        sb.append("\n|");
        for (Column<?> c : t.columns()) sb.append(c instanceof NumericColumn<?> ? " ---: |" : " --- |");
        sb.append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (Column<?> c : t.columns()) sb.append(' ').append(cell(c, r)).append(" |");
            sb.append('\n');
        }
        return sb.toString();
    }

    public static String cell(Column<?> c, int row) {
        if (c.isMissing(row)) return "";
        if (c instanceof NumericColumn<?> n) return number(n.getDouble(row));
        return c.getString(row).replace("|", "\\|"); // a '|' inside a cell would end it
    }

    /** 3 significant digits, no exponent below 1e9. */
    /** A time per call in the unit that reads best: 371 ns, 9.2 µs, 4.35 ms; "—" when there is none. */
    public static String time(double ns) {
        if (!Double.isFinite(ns)) return "—";
        if (Math.abs(ns) < 1e3) return String.format(java.util.Locale.ROOT, "%.0f ns", ns);
        if (Math.abs(ns) < 1e6) return String.format(java.util.Locale.ROOT, "%.1f µs", ns / 1e3);
        return String.format(java.util.Locale.ROOT, "%.2f ms", ns / 1e6);
    }

    public static String number(double v) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        if (a == 0) return "0";
        if (v == Math.rint(v) && a < 1e9) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 1e9 || a < 1e-3) return String.format(Locale.ROOT, "%.3g", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
