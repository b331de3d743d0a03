package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.clipbench.compare.Compare;
import org.clipbench.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Statistical comparison of two results folders or JMH JSON files, or of an A/B folder's pairs; exit 1 on a regression. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare BASE and CANDIDATE (results folders or JMH JSON files) per benchmark, or the pairs of an A/B folder (--ab DIR):",
                "medians, ratio with a bootstrap 95%% CI, a rank test's p-value (Wilcoxon signed-rank on pairs, else Mann-Whitney U)",
                "and its Benjamini-Hochberg adjustment over the rows, verdict. Exit 0: no regression, every row judged; 1: at least one",
                "benchmark significantly slower by at least --min-effect (or every candidate fork slower than every base fork by more);",
                "5: inconclusive (no regression found, but a row could not be judged: not at steady state, or its interval cannot",
                "exclude a slowdown of --min-effect); 2: bad input.",
                "Two sweep folders (with runs.csv) are compared run by run instead: exit 1 when a final metric moved",
                "by more than --tolerance (relative)."})
final class CompareCommand implements Callable<Integer> {
    /** The exit code of a comparison that found no regression but could not judge every row: never a pass. */
    static final int INCONCLUSIVE = 5;

    @Parameters(index = "0", arity = "0..1", split = ",", description = "base results folder(s) or JMH JSON file(s); several, comma-separated, are pooled")
    List<Path> base;

    @Parameters(index = "1", arity = "0..1", split = ",", description = "candidate results folder(s) or JMH JSON file(s)")
    List<Path> candidate;

    @Option(names = "--ab", description = "an A/B folder (ab, run-bench.sh --compare-to): its base and candidate forks compared pair by pair")
    Path ab;

    @Option(names = "--min-effect", description = "smallest relative change that counts (default 0.05 = 5%%)")
    double minEffect = 0.05;

    @Option(names = "--alpha", description = "false discovery rate over the rows (Benjamini-Hochberg; default 0.05); with --no-fdr the level of each row's test")
    double alpha = 0.05;

    @Option(names = "--no-fdr", description = "judge each row on its raw p-value (no Benjamini-Hochberg adjustment across the rows)")
    boolean noFdr;

    @Option(names = "--format", description = "text (default), markdown or csv")
    String format = "text";

    @Option(names = "--out", description = "also write the table to this file")
    Path out;

    @Option(names = "--tolerance", description = "sweep folders: relative change of a final metric that counts (default 1e-9)")
    double tolerance = 1e-9;

    @Option(names = "--ignore-params", split = ",", description = "JMH parameters left out of the match, e.g. repeat (compare across a variant)")
    List<String> ignoreParams;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "markdown", "csv").contains(format)) {
            throw new IllegalArgumentException("--format '" + format + "': use text, markdown or csv");
        }
        if (out != null && Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + ": is a folder; name a file, e.g. " + out.resolve("compare.txt"));
        }
        Compare.Settings settings = new Compare.Settings(minEffect, alpha, 2000, 1, ignoreParams, !noFdr);
        if (ab != null) {
            if (base != null || candidate != null) throw new IllegalArgumentException("--ab " + ab + " compares that folder's pairs: give no BASE or CANDIDATE with it");
            if (!Files.isDirectory(ab)) throw new IllegalArgumentException("--ab " + ab + ": no such folder; give the folder of an A/B run");
            return report(Compare.compareAb(ab, settings));
        }
        if (base == null || candidate == null) {
            throw new IllegalArgumentException("give BASE and CANDIDATE (results folders or JMH JSON files), or --ab DIR for an A/B folder");
        }
        if (base.size() == 1 && candidate.size() == 1 && org.clipbench.compare.RunsCompare.isSweepFolder(base.get(0))
                && org.clipbench.compare.RunsCompare.isSweepFolder(candidate.get(0))) {
            if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
                throw new IllegalArgumentException("--tolerance " + tolerance + ": give a finite relative change >= 0, e.g. 1e-9");
            }
            var runs = org.clipbench.compare.RunsCompare.compare(base.get(0), candidate.get(0), tolerance);
            String t = org.clipbench.compare.RunsCompare.text(runs, tolerance);
            System.out.print(t);
            if (out != null) AtomicFiles.writeString(out, t);
            return runs.changedBeyondTolerance() ? 1 : 0;
        }
        Compare.Result r = Compare.compare(base, candidate, settings);
        if (Files.isDirectory(base.get(0)) && Files.isDirectory(candidate.get(0))) {
            var diff = Compare.environmentDifferences(base.get(0), candidate.get(0));
            if (!diff.isEmpty()) {
                System.err.println("WARNING: the two results come from different machines or JVMs; their times are not comparable:");
                diff.forEach((k, v) -> System.err.println("  " + k + ": " + v[0] + "  vs  " + v[1]));
                System.err.println("  Compare builds on the same machine instead: run both in one session (see docs/regression-tracking.md).");
            }
        }
        return report(r);
    }

    private int report(Compare.Result r) throws java.io.IOException {
        String table = switch (format) {
            case "markdown" -> Compare.markdown(r);
            case "csv" -> Compare.csv(r);
            default -> Compare.text(r);
        };
        System.out.print(table);
        if (out != null) AtomicFiles.writeString(out, table);
        return exitCode(r);
    }

    /** 1 on a regression, else 5 when a row could not be judged, else 0. */
    static int exitCode(Compare.Result r) {
        return r.regressed() ? 1 : r.inconclusive() ? INCONCLUSIVE : 0;
    }
}
