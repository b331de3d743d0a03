package org.clipbench.report;

import org.clipbench.analysis.JmhResults;
import org.clipbench.analysis.KernelSummary;
import org.clipbench.analysis.SweepResults;
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
import org.clipbench.reproductions.ReproductionResults;
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

    /** @param reported whether any input gave the report something (a table, a figure); false when every one was refused */
    public record Outcome(Path index, List<Path> figureFiles, List<String> problems, boolean reported) {
        /** Says where the report is and which inputs could not be used; the exit code: 1 when some could not, else 0. */
        public int print(java.io.PrintStream out, java.io.PrintStream err) {
            out.println("report: " + index + " (" + figureFiles.size() / 2 + " figures as SVG and PNG; summary.md; CSV tables)");
            if (problems.isEmpty()) return 0;
            err.println("some inputs could not be used (the report covers the rest):");
            problems.forEach(p -> err.println("  error: " + p));
            return 1;
        }
    }

    /**
     * What the inputs hold, sorted by kind (folders: the inputs as given, for the analysis scripts), and what
     * every section reads, loaded once: jmh, the JMH results, and kernels, their tables (null: none, or not
     * loaded yet); sweepResults, the convergence sweeps that could be loaded.
     */
    record Inputs(List<Path> folders, List<Path> jmhFiles, List<Path> sweeps, List<Path> reproductions, List<Path> accuracy, Path environment,
                  List<String> problems, Table jmh, KernelSummary.Tables kernels, List<SweepResults> sweepResults) {
        /** What discovery found, nothing loaded yet. */
        static Inputs found(List<Path> folders, List<Path> jmhFiles, List<Path> sweeps, List<Path> reproductions, List<Path> accuracy, Path environment,
                            List<String> problems) {
            return new Inputs(folders, jmhFiles, sweeps, reproductions, accuracy, environment, problems, null, null, List.of());
        }

        /** The JMH results, their kernel tables and the sweeps loaded; a file or folder that cannot be is added to problems and left out. */
        Inputs loaded(List<String> problemsFound) throws IOException {
            Table loadedJmh = jmhFiles.isEmpty() ? null : loadJmh(jmhFiles, problemsFound);
            List<SweepResults> loadedSweeps = new ArrayList<>();
            for (Path dir : sweeps) {
                try {
                    loadedSweeps.add(SweepResults.load(dir));
                } catch (BadInputException | IllegalArgumentException e) {
                    problemsFound.add(e.getMessage());
                }
            }
            return new Inputs(folders, jmhFiles, sweeps, reproductions, accuracy, environment, problems, loadedJmh,
                    loadedJmh == null ? null : KernelSummary.build(loadedJmh), loadedSweeps);
        }
    }

    /** The report's sections, in the order summary.md lists them; each turns its kind of input into tables and figures. */
    static final List<ReportSection> SECTIONS = sections(SectionScripts.PROJECT_FOLDER);

    /** The sections with the analysis scripts of this folder (the project's analysis/report/, or the jar's copies when it does not exist). */
    static List<ReportSection> sections(java.nio.file.Path scripts) {
        SectionScripts s = new SectionScripts(scripts);
        return List.of(new KernelSection(s), new ScriptSection(scripts), new AccuracySection(), new ConvergenceSection(s), new ReproductionSection());
    }

    /**
     * Writes the report into reportDir, holding the folder's lock meanwhile (io.RunFolder): two reports into one folder at
     * once both finished with exit 0, their files mixed; the second now stops with an error naming the folder.
     */
    public static Outcome build(List<Path> inputs, Path reportDir) throws IOException {
        try (org.clipbench.io.RunFolder lock = org.clipbench.io.RunFolder.lock(reportDir)) {
            return buildLocked(inputs, reportDir);
        }
    }

    private static Outcome buildLocked(List<Path> inputs, Path reportDir) throws IOException {
        Inputs found = discover(inputs);
        List<String> problems = new ArrayList<>(found.problems());
        Inputs in = found.loaded(problems);
        Map<String, String> env = environment(in.environment(), problems);
        ReportSection.Output out = new ReportSection.Output(reportDir, env, problems,
                new StringBuilder("# ClipBench report\n\nFrom: " + inputs + "\n\n"));
        String machines = differentMachines(inputs);
        if (machines != null) {
            env.put("machines", machines);
            out.md().append("**Different machines.** ").append(machines).append("\n\n");
        }
        for (ReportSection section : SECTIONS) section.write(in, out);
        out.md().append(RefusedCells.section(out.md().toString()));
        if (out.html().isEmpty() && problems.isEmpty()) problems.add("no results found in " + inputs);
        if (!problems.isEmpty()) {
            out.md().append("## Inputs that could not be used\n\n");
            problems.forEach(p -> out.md().append("- ").append(p).append('\n'));
        }
        AtomicFiles.writeString(reportDir.resolve("summary.md"), out.md().toString());
        Path index = HtmlReport.write(reportDir, "ClipBench report", env, problems, out.html());
        return new Outcome(index, out.figureFiles(), problems, !out.html().isEmpty());
    }

    static Inputs discover(List<Path> inputs) throws IOException {
        List<Path> jmh = new ArrayList<>(), sweeps = new ArrayList<>(), reproductions = new ArrayList<>(), accuracy = new ArrayList<>();
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
            Path acc = org.clipbench.accuracy.AccuracyTables.find(p);
            if (acc != null) {
                accuracy.add(acc);
                any = true;
            }
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
                    if (acc == null) problems.add(e.getMessage()); // an accuracy-only bench run has an empty jmh/
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
            if (!any) problems.add(p + ": holds no results.json, jmh/*.json, runs.csv or accuracy.csv: not a ClipBench results folder");
        }
        if (env == null && !sweeps.isEmpty() && Files.isRegularFile(sweeps.get(0).resolve("environment.json"))) {
            env = sweeps.get(0).resolve("environment.json");
        }
        if (env == null && !reproductions.isEmpty()) {
            // a reproduction folder given alone: the reproduce command wrote the environment one level up
            Path above = reproductions.get(0).toAbsolutePath().normalize().getParent().resolve("environment.json");
            if (Files.isRegularFile(above)) env = above;
        }
        return Inputs.found(List.copyOf(inputs), jmh, sweeps, reproductions, accuracy, env, problems);
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

    /**
     * When the inputs (for example the shards of a Slurm run) were measured on different CPU models, which
     * ran where; null when they share one. Absolute times from different machines are not comparable.
     */
    static String differentMachines(List<Path> inputs) {
        Map<String, List<String>> byCpu = new java.util.TreeMap<>();
        for (Path p : inputs) {
            Path f = p.resolve("environment.json");
            if (!Files.isRegularFile(f)) continue;
            try {
                JsonNode e = new ObjectMapper().readTree(f.toFile());
                String node = e.path("slurm").path("node").asText("");
                byCpu.computeIfAbsent(e.path("cpu").path("model").asText("unknown"), k -> new ArrayList<>())
                        .add(p.getFileName() + (node.isEmpty() ? "" : " (node " + node + ")"));
            } catch (IOException ignored) {
                // an unreadable environment.json is reported where the environment is read
            }
        }
        if (byCpu.size() < 2) return null;
        StringBuilder sb = new StringBuilder("The inputs ran on " + byCpu.size() + " CPU models: ");
        byCpu.forEach((cpu, where) -> sb.append(cpu).append(" (").append(String.join(", ", where)).append("); "));
        return sb.append("absolute times from different machines are not comparable, only ratios within one input are.").toString();
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
}
