package org.clipbench.io;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.clipbench.kernel.VectorKernels;

/** What machine, JVM and build produced a result: written as environment.json beside every run. */
public final class Environment {
    /** The command line of this invocation, set by the CLI and recorded in environment.json. */
    public static final String COMMAND_PROPERTY = "clipbench.command";

    private Environment() {
    }

    /** Library versions as Maven resolved them at build time. */
    public static Map<String, String> libraryVersions() {
        Properties p = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream("/clipbench-build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read clipbench-build.properties from the jar", e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** Everything known about this machine and process; extra entries (profile, command line) are added. */
    public static Map<String, Object> capture(Map<String, Object> extra) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("schema", 1);
        env.put("timestamp_utc", java.time.Instant.now().toString());
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("vendor", System.getProperty("java.vm.vendor"));
        jvm.put("name", System.getProperty("java.vm.name"));
        jvm.put("version", System.getProperty("java.runtime.version"));
        jvm.put("home", System.getProperty("java.home"));
        jvm.put("flags", ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("jvm", jvm);
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("version", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        env.put("os", os);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("model", cpuModel());
        cpu.put("cores_available", Runtime.getRuntime().availableProcessors());
        cpu.put("caches", caches());
        cpu.put("simd", VectorKernels.describeSpecies());
        env.put("cpu", cpu);
        env.put("memory_total_kib", memTotalKib());
        env.put("omp_num_threads_env", System.getenv("OMP_NUM_THREADS"));
        env.put("libraries", libraryVersions());
        env.put("git", git());
        Map<String, Object> slurm = slurm(System.getenv());
        if (slurm != null) env.put("slurm", slurm);
        env.putAll(extra);
        return env;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
        return "unknown";
    }

    static Map<String, String> caches() {
        Map<String, String> out = new LinkedHashMap<>();
        Path base = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            Path d = base.resolve("index" + i);
            if (!Files.isDirectory(d)) break;
            try {
                String level = Files.readString(d.resolve("level")).trim();
                String type = Files.readString(d.resolve("type")).trim();
                String size = Files.readString(d.resolve("size")).trim();
                out.put("L" + level + (type.equals("Unified") ? "" : "-" + type.toLowerCase(java.util.Locale.ROOT)), size);
            } catch (IOException e) {
                break;
            }
        }
        return out;
    }

    static Long memTotalKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The node and Slurm job of a run started by Slurm (null outside Slurm): shards on different nodes are told apart by it. */
    static Map<String, Object> slurm(Map<String, String> env) {
        if (env.get("SLURM_JOB_ID") == null) return null;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("node", env.getOrDefault("SLURMD_NODENAME", env.getOrDefault("HOSTNAME", "unknown")));
        s.put("job_id", env.get("SLURM_JOB_ID"));
        s.put("array_job_id", env.get("SLURM_ARRAY_JOB_ID"));
        s.put("array_task_id", env.get("SLURM_ARRAY_TASK_ID"));
        s.put("partition", env.get("SLURM_JOB_PARTITION"));
        s.put("cpus_on_node", env.get("SLURM_CPUS_ON_NODE"));
        return s;
    }

    /** Short sha and dirty flag of the working tree, or "unknown" outside a git checkout. */
    public static Map<String, Object> git() {
        return gitOf(Path.of("."));
    }

    /** As {@link #git()}, of the checkout in {@code dir} (an A/B's base worktree). */
    public static Map<String, Object> gitOf(Path dir) {
        Map<String, Object> g = new LinkedHashMap<>();
        String at = dir.toString();
        String sha = run(List.of("git", "-C", at, "rev-parse", "--short", "HEAD"));
        g.put("sha", sha == null || sha.isBlank() ? "unknown" : sha.trim());
        String committed = run(List.of("git", "-C", at, "log", "-1", "--format=%cI"));
        if (committed != null && !committed.isBlank()) g.put("commit_time", committed.trim()); // orders runs in the history
        String status = run(List.of("git", "-C", at, "status", "--porcelain", "--untracked-files=no"));
        g.put("dirty", status != null && !status.isBlank());
        return g;
    }

    /** How long a git call may take (it answers in milliseconds; one waiting on a hung network mount never does). */
    static final java.time.Duration GIT_LIMIT = java.time.Duration.ofSeconds(10);

    private static String run(List<String> cmd) {
        return run(cmd, GIT_LIMIT);
    }

    /** The command's output, or null when it failed, could not start or did not finish within the limit (then killed). */
    static String run(List<String> cmd, java.time.Duration limit) {
        try {
            // the output is read after the limit, not before it: a git that never exits hung the run that recorded it
            ExternalCommand.Result r = ExternalCommand.run(cmd, null, limit);
            return r.exit() == 0 ? r.output() : null;
        } catch (IOException | ExternalCommand.TimedOut e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
