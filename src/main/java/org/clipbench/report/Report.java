package org.clipbench.report;

import org.clipbench.analysis.SweepResults;
import org.clipbench.analysis.KernelSummary;
import org.clipbench.analysis.KernelFigures;
import org.clipbench.analysis.JmhResults;
import org.clipbench.analysis.FigureWriter;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.ConvergenceFigures;
import org.clipbench.io.Markdown;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.clipbench.analysis.JmhResults.BadInputException;
import org.clipbench.experiments.SweepSummary;
import org.clipbench.reproductions.ReproductionResults;
import org.clipbench.reproductions.ReproductionsReport;
import org.clipbench.io.AtomicFiles;
import tech.tablesaw.api.Table;

/**
 * The whole report from one or more results folders: kernel tables and figures from JMH results
 * (shards and repeats merged), convergence tables and figures from sweep folders (a bench folder's
 * convergence/ sweeps included), every figure as SVG and PNG, summary.md, CSV tables and index.html.
 * An input that cannot be read is named in {@link Outcome#problems()}; the rest is still reported.
 */
public final class Report {
    private Report() {
    }

    public record Outcome(Path index, List<Path> figureFiles, List<String> problems) {
    }

    /** What the inputs hold, sorted by kind. */
    record Inputs(List<Path> jmhFiles, List<Path> sweeps, List<Path> reproductions, Path environment, List<String> problems) {
    }

    public static Outcome build(List<Path> inputs, Path reportDir) throws IOException {
        Files.createDirectories(reportDir);
        Inputs in = discover(inputs);
        List<String> problems = new ArrayList<>(in.problems());
        Map<String, String> env = environment(in.environment(), problems);
        List<HtmlReport.Section> sections = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        StringBuilder md = new StringBuilder("# ClipBench report\n\nFrom: " + inputs + "\n\n");

        if (!in.jmhFiles().isEmpty()) {
            Table jmh = loadJmh(in.jmhFiles(), problems);
            if (jmh != null && jmh.rowCount() > 0) {
                KernelSummary.Tables t = KernelSummary.build(jmh);
                md.append("## Kernel summary\n\n").append(KernelSummary.markdown(t)).append('\n');
                writeCsv(reportDir, "kernels-clipping.csv", t.clipping());
                writeCsv(reportDir, "kernels-norms.csv", t.norms());
                writeCsv(reportDir, "kernels-norm-overhead.csv", t.normOverhead());
                writeCsv(reportDir, "bandwidth.csv", t.bandwidth());
                writeCsv(reportDir, "kernels-dp.csv", t.dp());
                writeCsv(reportDir, "training-steps.csv", t.trainingSteps());
                List<Figure> figs = KernelFigures.build(t);
                written.addAll(writeFigures(figs, reportDir, problems));
                Map<String, Table> tables = new LinkedHashMap<>();
                if (t.bandwidth().rowCount() > 0) tables.put("Memory bandwidth reference (GB/s)", KernelSummary.pivotBandwidth(t.bandwidth()));
                if (t.clipping().rowCount() > 0) tables.put("Clipping: one call, in place (ns)", t.clipping());
                if (t.normOverhead().rowCount() > 0) tables.put("Cost of a safe norm", t.normOverhead());
                if (t.norms().rowCount() > 0) tables.put("L2 norms (ns)", t.norms());
                if (t.dp().rowCount() > 0) tables.put("DP-SGD per-example clipping", t.dp());
                if (t.trainingSteps().rowCount() > 0) tables.put("Training steps", t.trainingSteps());
                sections.add(new HtmlReport.Section("kernels", "Kernels",
                        "JMH results of " + jmh.rowCount() + " benchmark runs. Times are JMH scores (average over iterations) with their 99.9% error; "
                                + "<code>median</code> is the median iteration; <code>x_arrays</code> is the speed-up over the plain-arrays backend.",
                        tables, figs.stream().filter(f -> !f.isEmpty()).toList()));
                md.append(figureLinks(figs));
            }
        }

        List<SweepResults> sweeps = new ArrayList<>();
        for (Path dir : in.sweeps()) {
            try {
                sweeps.add(SweepResults.load(dir));
            } catch (BadInputException e) {
                problems.add(e.getMessage());
            }
        }
        if (!sweeps.isEmpty()) {
            List<Figure> figs = ConvergenceFigures.build(sweeps);
            written.addAll(writeFigures(figs, reportDir, problems));
            Map<String, Table> tables = new LinkedHashMap<>();
            for (SweepResults s : sweeps) {
                if (s.curves() == null) problems.add(s.dir().resolve("curves.csv") + ": missing, so this sweep has no curves in the report");
                Table summary = SweepSummary.table(s.runs());
                tables.put(s.name() + " (" + s.dir() + ")", summary);
                writeCsv(reportDir, "convergence-" + ConvergenceFigures.slug(s.name()) + ".csv", summary);
                md.append("## Convergence: ").append(s.name()).append("\n\n").append(Markdown.table(summary)).append('\n');
            }
            sections.add(new HtmlReport.Section("convergence", "Convergence",
                    "Per strategy and learning rate: runs, diverged runs, median final training loss and held-out metrics (means over seeds).",
                    tables, figs.stream().filter(f -> !f.isEmpty()).toList()));
            md.append(figureLinks(figs));
        }
        List<ReproductionResults> reps = new ArrayList<>();
        for (Path dir : in.reproductions()) {
            try {
                reps.add(ReproductionResults.load(dir));
            } catch (BadInputException | IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!reps.isEmpty()) {
            List<Figure> figs = new ArrayList<>();
            Map<String, Table> tables = new LinkedHashMap<>();
            tables.put("Verdicts", ReproductionsReport.verdictTable(reps));
            for (ReproductionResults r : reps) {
                figs.addAll(r.figures());
                if (r.verdict().numbers().rowCount() > 0) tables.put(r.reproduction().id() + ": the numbers behind the verdict", r.verdict().numbers());
            }
            written.addAll(writeFigures(figs, reportDir, problems));
            String machine = env.getOrDefault("CPU", "unknown machine");
            AtomicFiles.writeString(reportDir.resolve("reproductions.md"), ReproductionsReport.markdown(reps, "", machine));
            // and beside the reproductions, when they share a folder that holds this report
            Path parent = reps.get(0).dir().toAbsolutePath().normalize().getParent();
            Path report = reportDir.toAbsolutePath().normalize();
            if (reps.stream().allMatch(r -> parent.equals(r.dir().toAbsolutePath().normalize().getParent())) && report.startsWith(parent)) {
                String prefix = parent.relativize(report).toString().replace('\\', '/') + "/";
                AtomicFiles.writeString(parent.resolve("reproductions.md"), ReproductionsReport.markdown(reps, prefix, machine));
            }
            sections.add(0, new HtmlReport.Section("reproductions", "Reproductions of published results",
                    "Each reproduction states a paper's claim as a testable statement about these results and gives a verdict; "
                            + "the full text with budgets and commands is in <a href=\"reproductions.md\">reproductions.md</a>.",
                    tables, figs.stream().filter(f -> !f.isEmpty()).toList()));
            md.append("## Reproductions\n\nSee reproductions.md.\n\n").append(Markdown.table(ReproductionsReport.verdictTable(reps))).append('\n');
        }
        if (sections.isEmpty() && problems.isEmpty()) problems.add("no results found in " + inputs);
        if (!problems.isEmpty()) {
            md.append("## Inputs that could not be used\n\n");
            problems.forEach(p -> md.append("- ").append(p).append('\n'));
        }
        AtomicFiles.writeString(reportDir.resolve("summary.md"), md.toString());
        Path index = HtmlReport.write(reportDir, "ClipBench report", env, problems, sections);
        return new Outcome(index, written, problems);
    }

    static Inputs discover(List<Path> inputs) throws IOException {
        List<Path> jmh = new ArrayList<>(), sweeps = new ArrayList<>(), reproductions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Path env = null;
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                problems.add(p + ": no such file or folder");
                continue;
            }
            if (Files.isRegularFile(p)) {
                jmh.add(p);
                continue;
            }
            boolean any = false;
            List<Path> reps = ReproductionResults.find(p);
            if (!reps.isEmpty()) {
                reproductions.addAll(reps);
                if (env == null && Files.isRegularFile(p.resolve("environment.json"))) env = p.resolve("environment.json");
                continue; // their sweep folders belong to them, not to the convergence section
            }
            if (Files.exists(p.resolve("results.json")) || Files.isDirectory(p.resolve("jmh"))) {
                try {
                    jmh.addAll(JmhResults.filesOf(p));
                    any = true;
                } catch (BadInputException e) {
                    problems.add(e.getMessage());
                }
            }
            if (SweepResults.isSweep(p)) {
                sweeps.add(p);
                any = true;
            }
            // a bench folder's convergence/<preset>/, or a folder of sweep folders
            for (Path parent : List.of(p.resolve("convergence"), p)) {
                if (!Files.isDirectory(parent)) continue;
                try (Stream<Path> s = Files.list(parent)) {
                    for (Path child : s.filter(Files::isDirectory).sorted().toList()) {
                        if (SweepResults.isSweep(child) && !sweeps.contains(child)) {
                            sweeps.add(child);
                            any = true;
                        }
                    }
                }
            }
            if (env == null && Files.isRegularFile(p.resolve("environment.json"))) env = p.resolve("environment.json");
            if (!any) problems.add(p + ": holds no results.json, jmh/*.json or runs.csv: not a ClipBench results folder");
        }
        if (env == null && !sweeps.isEmpty() && Files.isRegularFile(sweeps.get(0).resolve("environment.json"))) {
            env = sweeps.get(0).resolve("environment.json");
        }
        if (env == null && !reproductions.isEmpty()) {
            // a reproduction folder given alone: the reproduce command wrote the environment one level up
            Path above = reproductions.get(0).toAbsolutePath().normalize().getParent().resolve("environment.json");
            if (Files.isRegularFile(above)) env = above;
        }
        return new Inputs(jmh, sweeps, reproductions, env, problems);
    }

    /** Loads every JMH file that parses; each one that does not is reported and left out. */
    static Table loadJmh(List<Path> files, List<String> problems) throws IOException {
        List<Path> good = new ArrayList<>();
        for (Path f : files) {
            try {
                if (Files.size(f) == 0) throw new BadInputException(f, "is empty (interrupted while writing?)");
                if (JmhResults.load(List.of(f)).rowCount() == 0) throw new BadInputException(f, "holds no JMH results (an empty array)");
                good.add(f);
            } catch (BadInputException e) {
                problems.add(e.getMessage());
            }
        }
        return good.isEmpty() ? null : JmhResults.load(good);
    }

    static Map<String, String> environment(Path file, List<String> problems) {
        Map<String, String> m = new LinkedHashMap<>();
        if (file == null) {
            m.put("environment", "no environment.json among the inputs");
            return m;
        }
        JsonNode e;
        try {
            e = new ObjectMapper().readTree(file.toFile());
        } catch (IOException ex) {
            problems.add(file + ": not valid JSON: " + ex.getMessage().lines().findFirst().orElse(""));
            return m;
        }
        m.put("from", file.toString());
        m.put("recorded (UTC)", e.path("timestamp_utc").asText(""));
        m.put("command", e.path("command_line").asText(""));
        if (e.has("profile")) m.put("profile", e.path("profile").asText());
        m.put("git", e.path("git").path("sha").asText("?") + (e.path("git").path("dirty").asBoolean() ? " (dirty)" : ""));
        m.put("JVM", e.path("jvm").path("name").asText("") + " " + e.path("jvm").path("version").asText(""));
        m.put("CPU", e.path("cpu").path("model").asText("") + ", " + e.path("cpu").path("cores_available").asText("?") + " cores, SIMD "
                + e.path("cpu").path("simd").asText("?"));
        if (e.has("memory_total_kib")) m.put("memory", Math.round(e.get("memory_total_kib").asDouble() / 1048576.0) + " GiB");
        JsonNode s = e.path("settings");
        if (!s.isMissingNode()) {
            m.put("JMH settings", s.path("forks").asText() + " fork(s), " + s.path("warmupIterations").asText() + " x "
                    + s.path("warmupMillis").asText() + " ms warm-up, " + s.path("measurementIterations").asText() + " x "
                    + s.path("measurementMillis").asText() + " ms measurement");
        }
        return m;
    }

    static List<Path> writeFigures(List<Figure> figs, Path dir, List<String> problems) {
        List<Path> out = new ArrayList<>();
        for (Figure f : figs) {
            if (f.isEmpty()) continue;
            try {
                out.addAll(FigureWriter.write(f, dir));
            } catch (IOException | RuntimeException e) {
                problems.add("figure " + f.id() + " could not be drawn: " + e);
            }
        }
        return out;
    }

    static String figureLinks(List<Figure> figs) {
        StringBuilder sb = new StringBuilder();
        for (Figure f : figs) {
            if (!f.isEmpty()) sb.append("![").append(f.title()).append("](").append(f.id()).append(".svg)\n");
        }
        return sb.append('\n').toString();
    }

    private static void writeCsv(Path dir, String name, Table t) throws IOException {
        if (t.rowCount() > 0) AtomicFiles.writeString(dir.resolve(name), t.write().toString("csv"));
    }
}
