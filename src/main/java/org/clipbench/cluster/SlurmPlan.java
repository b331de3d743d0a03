package org.clipbench.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.clipbench.io.AtomicFiles;

/**
 * What a Slurm submission runs, saved as slurm/plan.json in its results folder so that the merge job and
 * a later --slurm-resume read the same plan: the command (bench or sweep) and its options, the number of
 * shards, and the sbatch options.
 *
 * @param command  "bench" (JMH shards: exclusive nodes), "sweep" or "reproduce" (training shards: --cpus-per-task, nodes shared)
 * @param args     the command's options, without --shard and --out (each shard gets its own)
 * @param reproductions for "reproduce": the reproductions in order; shard k runs those at index k-1, k-1+n, ... (else empty)
 */
public record SlurmPlan(String command, List<String> args, int shards, String partition, String time, String account,
                        List<String> sbatchOptions, int cpusPerTask, List<String> reproductions) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String FOLDER = "slurm";

    public SlurmPlan {
        if (!List.of("bench", "sweep", "reproduce").contains(command)) {
            throw new IllegalArgumentException("--slurm runs bench, sweep or reproduce, not '" + command + "'");
        }
        if (shards < 1) throw new IllegalArgumentException("--slurm " + shards + ": give the number of shards, at least 1");
        if (cpusPerTask < 1) throw new IllegalArgumentException("--cpus-per-task must be at least 1");
        args = List.copyOf(args);
        reproductions = reproductions == null ? List.of() : List.copyOf(reproductions);
        if (command.equals("reproduce") && reproductions.size() < shards) {
            throw new IllegalArgumentException("--slurm " + shards + ": only " + reproductions.size() + " reproductions to share out; use at most that many shards");
        }
        sbatchOptions = sbatchOptions == null ? List.of() : List.copyOf(sbatchOptions);
        for (String a : args) {
            if (a.equals("--shard") || a.startsWith("--shard=") || a.equals("--out") || a.startsWith("--out=") || a.equals("--resume")
                    || a.equals("--threads") || a.equals("--only")) {
                throw new IllegalArgumentException("--slurm: leave out " + a.split("=")[0] + "; every shard gets its own shard, folder and threads");
            }
        }
    }

    public boolean exclusive() {
        return command.equals("bench");
    }

    /** The reproductions shard k runs (every n-th of the list, from index k-1). */
    public List<String> reproductionsOf(int k) {
        List<String> mine = new ArrayList<>();
        for (int i = k - 1; i < reproductions.size(); i += shards) mine.add(reproductions.get(i));
        return mine;
    }

    /** The shard's results folder inside the submission's folder. */
    public static Path shardFolder(Path results, int k) {
        return results.resolve("shard-" + k);
    }

    public static Path logOf(Path results, int k) {
        return results.resolve(FOLDER).resolve("shard-" + k + ".log");
    }

    public static Path exitFileOf(Path results, int k) {
        return results.resolve(FOLDER).resolve("shard-" + k + ".exit");
    }

    public void write(Path results) throws IOException {
        AtomicFiles.write(results.resolve(FOLDER).resolve("plan.json"), JSON.writeValueAsBytes(this));
    }

    public static SlurmPlan read(Path results) throws IOException {
        Path f = results.resolve(FOLDER).resolve("plan.json");
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException(results + ": no " + FOLDER + "/plan.json; name the folder a --slurm submission wrote");
        }
        return JSON.readValue(f.toFile(), SlurmPlan.class);
    }

    /** The shards' indices, 1..shards. */
    public List<Integer> allShards() {
        List<Integer> all = new ArrayList<>();
        for (int k = 1; k <= shards; k++) all.add(k);
        return all;
    }
}
