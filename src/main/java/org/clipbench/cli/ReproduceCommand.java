package org.clipbench.cli;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clipbench.reproductions.Reproduction;
import org.clipbench.reproductions.ReproductionRunner;
import org.clipbench.io.AtomicFiles;
import org.clipbench.io.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs paper reproductions (the "paper" profile) and writes their verdicts, figures and reproductions.md. */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run published-result reproductions with the sweep runner; each ends with a verdict (reproduced,",
                "not reproduced, inconclusive). Writes one folder per reproduction, report/ and reproductions.md.",
                "Rerun with --out on the same folder to resume: finished runs are kept."})
public final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--only", description = "comma-separated reproductions (default: all); see --list")
    String only;

    @Option(names = "--list", description = "list the reproductions with their claims and run counts, and exit")
    boolean list;

    @Option(names = "--out", description = "results folder (default results/runs/<UTC time>-<sha>[-dirty]-paper); an existing one is resumed")
    Path out;

    @Option(names = "--threads", description = "runs in parallel (default: the number of cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1");
        List<Reproduction> reps = Reproduction.select(only);
        if (list) {
            for (Reproduction r : reps) {
                System.out.printf("%-20s %4d runs  %s%n%24s claim: %s%n", r.id(), r.runCount(), r.paper(), "", r.claim());
            }
            return 0;
        }
        Path dir = out != null ? out : Path.of("results", "runs",
                BenchCommand.folderName(ZonedDateTime.now(ZoneOffset.UTC), Environment.git(), null) + "-paper");
        java.nio.file.Files.createDirectories(dir);
        org.clipbench.io.RunFolder.requireEmptyOrOnly(dir, "paper reproductions", name -> Reproduction.PRESETS.contains(name)
                || java.util.Set.of("environment.json", "report", "reproductions.md", "README.md", "slurm").contains(name));
        String command = System.getProperty(Main.COMMAND_PROPERTY, "reproduce");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("command_line", command);
        extra.put("profile", "paper");
        extra.put("reproductions", reps.stream().map(Reproduction::id).toList());
        extra.put("threads", threads);
        AtomicFiles.write(dir.resolve("environment.json"), org.clipbench.experiments.SweepRunner.JSON.writeValueAsBytes(Environment.capture(extra)));
        System.out.printf("%d reproductions, %d runs, %d threads -> %s%n", reps.size(), reps.stream().mapToLong(Reproduction::runCount).sum(), threads, dir);
        long t0 = System.nanoTime();
        ReproductionRunner.run(reps, dir, threads, command, System.out);
        System.out.printf("%nall reproductions done in %.1f min%n", (System.nanoTime() - t0) / 6e10);
        int status = ReportCommand.report(List.of(dir), dir.resolve("report"));
        if (java.nio.file.Files.exists(dir.resolve("reproductions.md"))) System.out.println("reproductions: " + dir.resolve("reproductions.md"));
        return status;
    }
}
