package org.clipbench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Submits a plan's shards as a Slurm job array and the merge job after it, with Slurm's own sbatch. */
public final class Slurm {
    private Slurm() {
    }

    /** The job IDs of one submission. */
    public record Submitted(String arrayJob, String mergeJob) {
    }

    /** Writes the plan, the scripts and a copy of the jar into results/slurm/. */
    public static void prepare(SlurmPlan plan, Path results, Path jar) throws IOException {
        if (results.toAbsolutePath().toString().matches(".*\\s.*")) {
            throw new IllegalArgumentException("--out " + results + ": a path with spaces cannot go into #SBATCH lines; choose one without");
        }
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            throw new IllegalArgumentException("--jar " + jar + ": not a jar file; build it with mvn -B -DskipTests package (target/benchmarks.jar)");
        }
        Files.createDirectories(results.resolve(SlurmPlan.FOLDER));
        Path copy = SlurmScripts.jar(results);
        if (!jar.toAbsolutePath().normalize().equals(copy.toAbsolutePath().normalize())) {
            Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
            Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        plan.write(results);
        SlurmScripts.write(plan, results);
    }

    /** sbatch the array (only the given task indices) and the merge after it (afterany: it names shards that failed). */
    public static Submitted submit(Path results, List<Integer> shards, PrintStream out) throws IOException, InterruptedException {
        Path r = results.toAbsolutePath().normalize();
        String indices = shards.stream().map(String::valueOf).collect(Collectors.joining(","));
        String array = sbatch(List.of("--array=" + indices, SlurmScripts.shardsScript(r).toString()), r);
        String merge = sbatch(List.of("--dependency=afterany:" + array, SlurmScripts.mergeScript(r).toString()), r);
        Files.writeString(r.resolve(SlurmPlan.FOLDER).resolve("jobs.txt"), "array " + array + " tasks " + indices + " merge " + merge + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        out.printf("submitted shards %s as array job %s and the merge as job %s%n", indices, array, merge);
        out.printf("results:  %s (one folder per shard; the merged report in report/)%n", r);
        out.printf("follow:   squeue -j %s,%s   (sacct -j %s where accounting is on)%n", array, merge, array);
        out.printf("logs:     %s/shard-<k>.log and merge.log%n", r.resolve(SlurmPlan.FOLDER));
        out.printf("if a shard fails: ./run-bench.sh --slurm-resume %s%n", r);
        return new Submitted(array, merge);
    }

    /** Only the merge job, when every shard already finished. */
    public static String submitMergeOnly(Path results) throws IOException, InterruptedException {
        Path r = results.toAbsolutePath().normalize();
        return sbatch(List.of(SlurmScripts.mergeScript(r).toString()), r);
    }

    /** The commands a submission would run, for --slurm-dry-run. */
    public static String dryRun(Path results, List<Integer> shards) {
        Path r = results.toAbsolutePath().normalize();
        String indices = shards.stream().map(String::valueOf).collect(Collectors.joining(","));
        return "scripts written to " + r.resolve(SlurmPlan.FOLDER) + "; to submit them:\n"
                + "  A=$(sbatch --parsable --array=" + indices + " " + SlurmScripts.shardsScript(r) + ")\n"
                + "  sbatch --parsable --dependency=afterany:$A " + SlurmScripts.mergeScript(r) + "\n";
    }

    /** How long sbatch may take to answer (it answers in about a second; a controller that is down can make it hang). */
    static final java.time.Duration SBATCH_LIMIT = java.time.Duration.ofSeconds(120);

    /** Runs sbatch --parsable and returns the job ID; sbatch's own message when it refuses. */
    static String sbatch(List<String> args, Path workDir) throws IOException, InterruptedException {
        return sbatch("sbatch", args, workDir, SBATCH_LIMIT);
    }

    /** As above with another sbatch program (a test's stand-in) and time limit; past the limit sbatch is killed. */
    static String sbatch(String program, List<String> args, Path workDir, java.time.Duration limit) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(program, "--parsable"));
        cmd.addAll(args);
        org.clipbench.io.ExternalCommand.Result r;
        try {
            r = org.clipbench.io.ExternalCommand.run(cmd, workDir, limit);
        } catch (IOException e) {
            throw new IllegalArgumentException("sbatch not found: run on a Slurm login node, or write the scripts only with --slurm-dry-run");
        } catch (org.clipbench.io.ExternalCommand.TimedOut e) {
            throw new IllegalArgumentException("sbatch " + String.join(" ", args) + " did not answer within " + limit.toSeconds()
                    + " s (stopped): check that the Slurm controller answers (scontrol ping; squeue -u $USER shows what was submitted), then submit again");
        }
        String text = r.output().trim();
        if (r.exit() != 0) {
            throw new IllegalArgumentException("sbatch refused the job: " + text.lines().reduce((a, b) -> b).orElse("(no message)"));
        }
        String last = text.lines().reduce((a, b) -> b).orElse("");
        return last.split(";")[0].trim(); // --parsable: "jobid" or "jobid;cluster"
    }

    /** Marks shards to be run again: their old exit status is removed so that the check judges the new run. */
    public static void forget(Path results, List<Integer> shards) throws IOException {
        for (int k : shards) Files.deleteIfExists(SlurmPlan.exitFileOf(results, k));
    }

}
