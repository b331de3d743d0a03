package org.clipbench.report;

import org.clipbench.analysis.FigureWriter;
import org.clipbench.analysis.Figure;
import org.clipbench.io.Environment;
import org.clipbench.io.Markdown;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.clipbench.io.AtomicFiles;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * The report's index.html: environment, problems met while reading the inputs, and per section its
 * tables and interactive figures. Works offline: plotly.js comes from the webjar on the classpath and
 * is copied next to the page, and nothing else is fetched. Each chart also links its SVG and PNG.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static final String PLOTLY_VERSION = "2.35.3";
    static final String PLOTLY_FILE = "plotly-" + PLOTLY_VERSION + ".js";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A titled part of the report. intro is HTML (already escaped). */
    public record Section(String id, String title, String intro, Map<String, Table> tables, List<Figure> figures) {
    }

    public static Path write(Path dir, String title, Map<String, String> environment, List<String> problems, List<Section> sections)
            throws IOException {
        copyPlotly(dir);
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>\n")
                .append("<script src=\"").append(PLOTLY_FILE).append("\"></script>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}\n")
                .append("table{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 6px}")
                .append("td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}\n")
                .append(".plot{width:100%;min-height:480px}figure{margin:1em 0 2em}figcaption{font-size:13px;color:#555}\n")
                .append(".problems{background:#fff3f3;border:1px solid #e99;padding:.5em 1em}.wrap{overflow-x:auto}\n")
                .append("</style></head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        h.append("<nav><ul>");
        for (Section s : sections) h.append("<li><a href=\"#").append(s.id()).append("\">").append(esc(s.title())).append("</a></li>");
        h.append("</ul></nav>\n");
        h.append("<section id=\"environment\"><h2>Environment</h2><table>");
        environment.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
        h.append("</table></section>\n");
        if (!problems.isEmpty()) {
            h.append("<section id=\"problems\" class=\"problems\"><h2>Inputs that could not be used</h2><ul>");
            problems.forEach(p -> h.append("<li>").append(esc(p)).append("</li>"));
            h.append("</ul><p>Everything else in this report was produced from the remaining inputs.</p></section>\n");
        }
        ObjectNode figures = JSON.createObjectNode();
        for (Section s : sections) {
            h.append("<section id=\"").append(s.id()).append("\"><h2>").append(esc(s.title())).append("</h2>\n");
            if (s.intro() != null && !s.intro().isEmpty()) h.append("<p>").append(s.intro()).append("</p>\n");
            for (Figure f : s.figures()) {
                figures.set("fig-" + f.id(), FigureWriter.plotly(f));
                h.append("<figure><div class=\"plot\" id=\"fig-").append(f.id()).append("\"></div><figcaption>")
                        .append(esc(f.caption())).append(" <a href=\"").append(f.id()).append(".svg\">SVG</a> · <a href=\"")
                        .append(f.id()).append(".png\">PNG</a></figcaption></figure>\n");
            }
            s.tables().forEach((name, t) -> {
                h.append("<h3>").append(esc(name)).append("</h3>\n");
                h.append(table(t));
            });
            h.append("</section>\n");
        }
        // JSON inside <script>: "</" would end the element early
        String data = JSON.writeValueAsString(figures).replace("</", "<\\/");
        h.append("<script>\nconst FIGURES = ").append(data).append(";\n")
                .append("const pending = Object.entries(FIGURES).map(([id, fig]) =>\n")
                .append("  Plotly.newPlot(id, fig.data, fig.layout, {responsive: true, displaylogo: false})\n")
                .append("    .catch(e => console.error('figure ' + id + ' failed: ' + e)));\n")
                .append("Promise.all(pending).then(() => {\n")
                .append("  const drawn = [...document.querySelectorAll('.plot')].filter(d => d.querySelector('.main-svg')).length;\n")
                .append("  document.body.setAttribute('data-figures', String(Object.keys(FIGURES).length));\n")
                .append("  document.body.setAttribute('data-rendered', String(drawn));\n")
                .append("});\n</script>\n</body></html>\n");
        Path index = dir.resolve("index.html");
        AtomicFiles.writeString(index, h.toString());
        return index;
    }

    static void copyPlotly(Path dir) throws IOException {
        Path target = dir.resolve(PLOTLY_FILE);
        if (Files.exists(target)) return;
        String resource = "/META-INF/resources/webjars/plotly.js-dist/" + PLOTLY_VERSION + "/plotly.js";
        try (InputStream in = HtmlReport.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("plotly.js " + PLOTLY_VERSION + " is not on the classpath (" + resource + "): rebuild the jar");
            AtomicFiles.write(target, in.readAllBytes());
        }
    }

    static String table(Table t) {
        StringBuilder sb = new StringBuilder("<div class=\"wrap\"><table><tr>");
        for (String c : t.columnNames()) sb.append("<th>").append(esc(c)).append("</th>");
        sb.append("</tr>\n");
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append("<tr>");
            for (Column<?> c : t.columns()) {
                boolean num = c instanceof NumericColumn<?>;
                sb.append(num ? "<td class=\"n\">" : "<td>").append(esc(c.isMissing(r) ? "" : Markdown.cell(c, r).replace("\\|", "|"))).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</table></div>\n").toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
