package org.clipbench.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clipbench.io.AtomicFiles;

/**
 * The two sbatch scripts of a submission: a job array whose task k runs shard k of the grid into
 * shard-k/ (and, run again, resumes it), and the merge job, which checks the shards and writes the report.
 * The jar they run is the copy in slurm/, so every shard runs the same code even if the checkout is rebuilt.
 */
public final class SlurmScripts {
    static final String JAVA = "java --add-modules=jdk.incubator.vector -Xmx2g";

    private SlurmScripts() {
    }

    public static Path shardsScript(Path results) {
        return results.resolve(SlurmPlan.FOLDER).resolve("shards.sbatch");
    }

    public static Path mergeScript(Path results) {
        return results.resolve(SlurmPlan.FOLDER).resolve("merge.sbatch");
    }

    public static Path jar(Path results) {
        return results.resolve(SlurmPlan.FOLDER).resolve("benchmarks.jar");
    }

    public static void write(SlurmPlan plan, Path results) throws IOException {
        Path r = results.toAbsolutePath().normalize();
        AtomicFiles.writeString(shardsScript(r), shards(plan, r));
        AtomicFiles.writeString(mergeScript(r), merge(plan, r));
        shardsScript(r).toFile().setExecutable(true);
        mergeScript(r).toFile().setExecutable(true);
    }

    static String shards(SlurmPlan plan, Path r) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("# ClipBench shards: array task k runs shard k of ").append(plan.shards()).append(" (").append(plan.command()).append(").\n");
        s.append("# Submitted by ./run-bench.sh --slurm with --array; rerunning a task resumes its folder.\n");
        header(s, plan, "clipbench-shards", r.resolve(SlurmPlan.FOLDER).resolve("shard-%a.log"));
        if (plan.exclusive()) s.append("#SBATCH --exclusive\n"); // a benchmark must not share a node with another job
        else s.append("#SBATCH --cpus-per-task=").append(plan.cpusPerTask()).append('\n');
        s.append("set -u\n");
        s.append("k=${SLURM_ARRAY_TASK_ID:?run this script as a Slurm array task}\n");
        s.append("out=").append(quote(r.toString())).append("/shard-$k\n");
        s.append("# node-local scratch for ND4J's native libraries; the shared filesystem only holds results\n");
        s.append("scratch=${SLURM_TMPDIR:-${TMPDIR:-/tmp}}/clipbench-${SLURM_ARRAY_JOB_ID:-0}-$k\n");
        s.append("mkdir -p \"$scratch\"\n");
        s.append("export OMP_NUM_THREADS=1  # the driver JVM; benchmark forks pin their own thread count\n");
        s.append("jar=").append(quote(jar(r).toString())).append('\n');
        s.append("echo \"shard $k of ").append(plan.shards()).append(" on $(hostname) (job ${SLURM_JOB_ID:-?})\"\n");
        if (plan.command().equals("bench")) {
            s.append("if [ -f \"$out/grid.json\" ]; then\n");
            s.append("  ").append(JAVA).append(" -jar \"$jar\" bench --resume \"$out\"\n");
            s.append("else\n");
            s.append("  ").append(JAVA).append(" -jar \"$jar\" bench ").append(args(plan.args()))
                    .append(" --no-sweep --shard \"$k/").append(plan.shards()).append("\" --out \"$out\" --javacpp-cache \"$scratch/javacpp\"\n");
            s.append("fi\n");
        } else if (plan.command().equals("reproduce")) {
            s.append("case $k in\n");
            for (int k : plan.allShards()) s.append("  ").append(k).append(") only=").append(String.join(",", plan.reproductionsOf(k))).append(" ;;\n");
            s.append("esac\n");
            s.append("# an existing folder is resumed: finished runs are kept\n");
            s.append(JAVA).append(" -jar \"$jar\" reproduce --only \"$only\" --threads ").append(plan.cpusPerTask()).append(" --out \"$out\"\n");
        } else {
            s.append("if [ -f \"$out/sweep.json\" ]; then\n");
            s.append("  ").append(JAVA).append(" -jar \"$jar\" sweep --resume \"$out\" --quiet --threads ").append(plan.cpusPerTask()).append('\n');
            s.append("else\n");
            s.append("  ").append(JAVA).append(" -jar \"$jar\" sweep ").append(args(plan.args())).append(" --quiet --threads ").append(plan.cpusPerTask())
                    .append(" --shard \"$k/").append(plan.shards()).append("\" --out \"$out\"\n");
            s.append("fi\n");
        }
        s.append("rc=$?\n");
        s.append("echo \"$rc\" > ").append(quote(r.resolve(SlurmPlan.FOLDER).toString())).append("/shard-$k.exit\n");
        s.append("exit $rc\n");
        return s.toString();
    }

    static String merge(SlurmPlan plan, Path r) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("# ClipBench merge: checks that every shard finished and covered its part of the grid once, then writes the report.\n");
        s.append("# Submitted with --dependency=afterany on the array: it runs after failed shards too, to name them.\n");
        header(s, plan, "clipbench-merge", r.resolve(SlurmPlan.FOLDER).resolve("merge.log"));
        s.append("#SBATCH --cpus-per-task=1\n");
        s.append("exec ").append(JAVA).append(" -jar ").append(quote(jar(r).toString())).append(" slurm merge ").append(quote(r.toString())).append('\n');
        return s.toString();
    }

    private static void header(StringBuilder s, SlurmPlan plan, String name, Path log) {
        s.append("#SBATCH --job-name=").append(name).append('\n');
        s.append("#SBATCH --output=").append(log).append('\n');
        if (plan.partition() != null) s.append("#SBATCH --partition=").append(plan.partition()).append('\n');
        if (plan.time() != null) s.append("#SBATCH --time=").append(plan.time()).append('\n');
        if (plan.account() != null) s.append("#SBATCH --account=").append(plan.account()).append('\n');
        for (String o : plan.sbatchOptions()) s.append("#SBATCH ").append(o).append('\n');
    }

    static String args(List<String> args) {
        List<String> q = new ArrayList<>();
        for (String a : args) q.add(quote(a));
        return String.join(" ", q);
    }

    /** Single-quoted for bash. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
