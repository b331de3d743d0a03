package org.clipbench.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.clipbench.backend.ArraysBackend;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.Tensor;
import org.clipbench.io.AtomicFiles;
import org.clipbench.peer.PythonPeers;

/**
 * Runs an accuracy plan into a folder: for every dtype, value law and size, the relative error of the global L2 norm
 * of one gradient tensor against its exact value ({@link ExactSumOfSquares}), for every JVM backend and norm kind
 * ({@link JvmNorm}) and every peer (each torch version found, and JAX); then, per dtype, grouping invariance (the norm
 * of k contiguous shards combined, k = 1..maxShards, against the unsharded norm) and the largest finite norm each
 * implementation returns before infinity. Writes accuracy.csv, grouping.csv, largest-finite.csv, accuracy.md and,
 * when it finished, complete.json.
 *
 * <p>Memory: a gradient is generated once, block by block, into one tensor of the project's own kernels (the arrays
 * and vector backends share its storage: n x dtype bytes, 4 GiB for 2^30 f32), while the exact sum is kept; another
 * backend gets its own copy, filled from that tensor, only when the heap has room for it (else its row says why), and
 * a peer gets the storage bytes through its stdin when the machine's available memory holds its copies. Nothing else
 * of the gradient is held.
 */
public final class AccuracyRun {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Combined shard norms within this many units in the last place of the storage dtype count as grouping-invariant. */
    public static final int GROUPING_BOUND_ULPS = 4;

    private final AccuracyPlan plan;
    private final Path dir;
    private final PrintStream out;
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final ArraysBackend own = ArraysBackend.vector(1);
    private final List<String> notRun = new ArrayList<>();
    private final List<AccuracyPeer> peers = new ArrayList<>();
    private final List<String[]> accuracy = new ArrayList<>(), grouping = new ArrayList<>(), largest = new ArrayList<>();

    private AccuracyRun(AccuracyPlan plan, Path dir, PrintStream out) {
        this.plan = plan;
        this.dir = dir;
        this.out = out;
    }

    /** What the run wrote and what it could not run. */
    public record Outcome(Path dir, int accuracyRows, int groupingRows, int largestRows, List<String> notRun) {
    }

    /** The bytes of heap the plan's largest gradient needs in the run's own tensor, with room for the rest of the JVM. */
    public static long heapNeeded(AccuracyPlan plan) {
        return plan.largestBytes() + (256L << 20);
    }

    /**
     * Runs the plan into dir (python: the --python interpreter, or null to discover). IllegalArgumentException when the
     * heap cannot hold the largest gradient, naming the -Xmx to give.
     */
    public static Outcome run(AccuracyPlan plan, Path dir, String python, PrintStream out) throws IOException, InterruptedException {
        requireHeap(plan);
        Files.createDirectories(dir);
        AccuracyRun r = new AccuracyRun(plan, dir, out);
        AtomicFiles.write(dir.resolve("plan.json"), JSON.writeValueAsBytes(plan));
        Files.deleteIfExists(dir.resolve("complete.json"));
        try {
            r.startPeers(python);
            r.runAll();
        } finally {
            for (AccuracyPeer p : r.peers) p.close();
        }
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("plan", plan.name());
        done.put("peers", r.peers.stream().map(AccuracyPeer::label).toList());
        done.put("not_run", r.notRun);
        AtomicFiles.write(dir.resolve("complete.json"), JSON.writeValueAsBytes(done));
        AtomicFiles.writeString(dir.resolve("accuracy.md"), AccuracyTables.load(dir).markdown());
        return new Outcome(dir, r.accuracy.size(), r.grouping.size(), r.largest.size(), List.copyOf(r.notRun));
    }

    /** IllegalArgumentException (exit 2) when this JVM's heap cannot hold the plan's largest gradient, naming the -Xmx to give. */
    public static void requireHeap(AccuracyPlan plan) {
        long need = heapNeeded(plan);
        if (Runtime.getRuntime().maxMemory() < need) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the accuracy plan's largest gradient (%s) needs a heap of about %d GiB, "
                    + "this JVM has %.1f GiB: run java -Xmx%dg ... (bench --profile accuracy sizes its own)", largestCase(plan),
                    gib(need), Runtime.getRuntime().maxMemory() / (double) (1L << 30), gib(need) + 1));
        }
    }

    static long gib(long bytes) {
        return (bytes + (1L << 30) - 1) >> 30;
    }

    private static String largestCase(AccuracyPlan plan) {
        for (DType d : plan.dtypes()) {
            for (int k : plan.log2Sizes()) if ((1L << k) * d.bytes() == plan.largestBytes()) return "2^" + k + " " + d;
        }
        return "";
    }

    // ---------------------------------------------------------------- peers

    private void startPeers(String python) throws IOException, InterruptedException {
        if (plan.peers().isEmpty()) return;
        PythonPeers.Discovery found = PythonPeers.discover(python);
        Path work = Files.createDirectories(dir.resolve("peers"));
        if (plan.peers().contains("pytorch")) {
            List<PythonPeers.Interpreter> torches = found.everyTorch();
            if (torches.isEmpty()) notRun.add("pytorch: " + found.whyNo("torch", org.clipbench.peer.PytorchPeer.INSTALL));
            for (PythonPeers.Interpreter i : torches) peers.add(new AccuracyPeer("pytorch", i, work, out));
        }
        if (plan.peers().contains("jax")) {
            var jax = found.jax();
            if (jax.isEmpty()) notRun.add("jax: " + found.whyNo("jax and optax", org.clipbench.peer.JaxPeer.INSTALL));
            else peers.add(new AccuracyPeer("jax", jax.get(), work, out));
        }
        notRun.forEach(n -> out.println("accuracy: peer not run: " + n));
    }

    /** Bytes of memory the machine has available now (Linux MemAvailable), or Long.MAX_VALUE where it cannot be read. */
    static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux: no check
        }
        return Long.MAX_VALUE;
    }

    /** Copies of the gradient a peer holds at once (torch: the tensor over the bytes it read; JAX: those bytes and its device array). */
    static double peerCopies(AccuracyPeer p) {
        return p.label().startsWith("jax") ? 2.5 : 1.5;
    }

    /** Seconds a request with this much data may take: start-up and transfer allowances. */
    static long requestSeconds(long bytes, long base) {
        return base + 30 * gib(bytes);
    }

    // ---------------------------------------------------------------- the run

    private void runAll() throws IOException {
        long start = System.nanoTime();
        for (DType d : plan.dtypes()) {
            List<JvmNorm> norms = JvmNorm.forDtype(d, notRun);
            for (JvmNorm j : norms) backends.computeIfAbsent(j.backend(), Backends::create);
            for (ValueLaw law : plan.laws()) {
                for (int k : plan.log2Sizes()) measure(new GradientStream(law, d, 1L << k, plan.seed()), norms);
                out.printf(Locale.ROOT, "accuracy: %s %s done (%.0f s so far)%n", d, law.label(), (System.nanoTime() - start) / 1e9);
                writeTables();
            }
            groupingOf(d, norms);
            largestFiniteOf(d, norms);
            writeTables();
        }
    }

    /** One gradient: its exact norm, every JVM norm of it and every peer's. */
    private void measure(GradientStream g, List<JvmNorm> norms) throws IOException {
        String why = heapShortage(g.storageBytes());
        if (why != null) {
            for (JvmNorm j : norms) accuracyRow(j.label(), j.backend(), JvmNorm.kindLabel(j.kind()), g, Double.NaN, null, "not run: " + why);
            for (AccuracyPeer p : peers) accuracyRow(p.label(), family(p), "library", g, Double.NaN, null, "not run: " + why);
            return;
        }
        Tensor master = own.zeros("g", 1, (int) g.n(), g.dtype());
        ExactSumOfSquares exact = new ExactSumOfSquares();
        g.forEachBlock((s, v, c) -> {
            exact.addAll(v, 0, c);
            own.assignRange(master, s, v, c);
        });
        BigDecimal ref = exact.norm();
        for (JvmNorm j : norms) {
            String note = "";
            double v = Double.NaN;
            try {
                v = JvmNorm.ownKernels(j.backend()) ? backends.get(j.backend()).norm2(master, j.kind()) : onCopy(j, master, g);
            } catch (NotRun e) {
                note = "not run: " + e.getMessage();
            }
            accuracyRow(j.label(), j.backend(), JvmNorm.kindLabel(j.kind()), g, v, ref, note);
        }
        for (AccuracyPeer p : peers) {
            double v = Double.NaN;
            String note = "";
            try {
                v = askNorm(p, g, master);
            } catch (AccuracyPeer.Failure | NotRun e) {
                note = "not run: " + e.getMessage();
            }
            accuracyRow(p.label(), family(p), "library", g, v, ref, note);
        }
    }

    /** Why an implementation could not be asked about a gradient. */
    static final class NotRun extends Exception {
        NotRun(String why) {
            super(why);
        }
    }

    /** Why the heap cannot take another n-byte array now, or null. */
    private static String heapShortage(long bytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (free >= bytes + bytes / 10) return null;
        System.gc();
        free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (free >= bytes + bytes / 10) return null;
        return String.format(Locale.ROOT, "its copy needs %.1f GiB and the heap has %.1f GiB free (of %.1f); give the JVM a larger -Xmx",
                bytes / (double) (1L << 30), free / (double) (1L << 30), rt.maxMemory() / (double) (1L << 30));
    }

    /** A backend's norm of its own copy of the gradient, filled from the master tensor block by block. */
    private double onCopy(JvmNorm j, Tensor master, GradientStream g) throws NotRun {
        long bytes = g.n() * (g.dtype() == DType.F32 && j.backend().equals("commons-math") ? 8 : g.dtype().bytes());
        String why = heapShortage(bytes);
        if (why != null) throw new NotRun(why);
        Backend b = backends.get(j.backend());
        try {
            Tensor copy = b.zeros("g", 1, (int) g.n(), g.dtype());
            double[] block = new double[GradientStream.BLOCK];
            for (long s = 0; s < g.n(); s += block.length) {
                int c = (int) Math.min(block.length, g.n() - s);
                own.readRange(master, s, block, c);
                b.assignRange(copy, s, block, c);
            }
            return b.norm2(copy, j.kind());
        } catch (OutOfMemoryError e) {
            throw new NotRun("out of memory for its copy (" + e.getMessage() + "); give the JVM a larger -Xmx");
        } catch (RuntimeException e) {
            throw new NotRun(j.backend() + " failed: " + e.getMessage());
        }
    }

    private static String family(AccuracyPeer p) {
        return p.label().split(" ", 2)[0];
    }

    private double askNorm(AccuracyPeer p, GradientStream g, Tensor master) throws AccuracyPeer.Failure, NotRun {
        requirePeerMemory(p, g.storageBytes());
        JsonNode a = p.ask(Map.of("kind", "norm", "dtype", g.dtype().label(), "n", g.n()), stdin -> writeStorage(master, g.dtype(), stdin),
                requestSeconds(g.storageBytes(), 120));
        return number(a, "norm");
    }

    private void requirePeerMemory(AccuracyPeer p, long bytes) throws NotRun {
        long need = (long) (peerCopies(p) * bytes), available = memAvailable();
        if (need > available * 0.9) {
            throw new NotRun(String.format(Locale.ROOT, "%s would hold about %.1f GiB of this gradient and the machine has %.1f GiB available",
                    p.label(), need / (double) (1L << 30), available / (double) (1L << 30)));
        }
    }

    static double number(JsonNode a, String field) throws AccuracyPeer.Failure {
        JsonNode v = a.get(field);
        if (v == null || !v.isNumber()) throw new AccuracyPeer.Failure("its answer has no number '" + field + "'");
        return v.asDouble();
    }

    /** The tensor's entries as the peer reads them: little-endian storage bytes, a block at a time. */
    private void writeStorage(Tensor t, DType d, OutputStream stdin) throws IOException {
        double[] block = new double[GradientStream.BLOCK];
        ByteBuffer buf = ByteBuffer.allocate(GradientStream.BLOCK * d.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (long s = 0; s < t.size(); s += block.length) {
            int c = (int) Math.min(block.length, t.size() - s);
            own.readRange(t, s, block, c);
            buf.clear();
            for (int i = 0; i < c; i++) {
                switch (d) {
                    case F64 -> buf.putDouble(block[i]);
                    case F32 -> buf.putFloat((float) block[i]);
                    default -> buf.putShort(d.half().encode((float) block[i]));
                }
            }
            stdin.write(buf.array(), 0, buf.position());
        }
    }

    private void accuracyRow(String impl, String backend, String kernel, GradientStream g, double norm, BigDecimal exact, String note) {
        int log2 = 63 - Long.numberOfLeadingZeros(g.n());
        String rel = exact == null || !note.isEmpty() ? "" : fmt(ExactSumOfSquares.relativeError(norm, exact));
        accuracy.add(new String[] {impl, backend, kernel, g.dtype().label(), g.law().label(), Integer.toString(log2), Long.toString(g.n()),
                note.isEmpty() ? fmt(norm) : "", exact == null ? "" : exact.round(new MathContext(20)).toString(), rel, note});
        if (!note.isEmpty()) out.println("accuracy: " + impl + " " + g.dtype() + " " + g.law().label() + " 2^" + log2 + ": " + note);
    }

    /** The shortest decimal that reads back as the same double (Java's Double.toString): NaN, Infinity, 0.0, 11585.2373046875. */
    static String fmt(double v) {
        return Double.toString(v);
    }

    // ---------------------------------------------------------------- grouping invariance

    /** [start, end) of shard i of k over n entries, as the peer script splits. */
    static long[] shard(long n, int k, int i) {
        return new long[] {n * i / k, n * (i + 1) / k};
    }

    /** The ways of combining per-shard norms n_i that a run shows: the right one and the two common bugs. */
    static double combine(String how, double[] shardNorms) {
        double s = 0;
        for (double v : shardNorms) s += how.equals("sqrt-of-sum-of-squares") ? v * v : v;
        return how.equals("sum-of-norms") ? s : Math.sqrt(s);
    }

    static final List<String> COMBINATIONS = List.of("sqrt-of-sum-of-squares", "sum-of-norms", "sqrt-of-sum-of-norms");

    private void groupingOf(DType d, List<JvmNorm> norms) throws IOException {
        long n = 1L << plan.groupingLog2();
        GradientStream g = new GradientStream(ValueLaw.NORMAL, d, n, plan.seed() + 1);
        double[] values = new double[(int) n];
        g.forEachBlock((s, v, c) -> System.arraycopy(v, 0, values, (int) s, c));
        for (JvmNorm j : norms) {
            Backend b = backends.get(j.backend());
            double whole = b.norm2(b.fromDoubles("g", 1, (int) n, d, values), j.kind());
            for (int k = 1; k <= plan.maxShards(); k++) {
                double[] parts = new double[k];
                for (int i = 0; i < k; i++) {
                    long[] r = shard(n, k, i);
                    double[] slice = java.util.Arrays.copyOfRange(values, (int) r[0], (int) r[1]);
                    parts[i] = b.norm2(b.fromDoubles("s", 1, slice.length, d, slice), j.kind());
                }
                for (String how : COMBINATIONS) groupingRow(j.label(), j.backend(), JvmNorm.kindLabel(j.kind()), d, n, k, how, combine(how, parts), whole, "");
            }
        }
        Tensor master = own.fromDoubles("g", 1, (int) n, d, values);
        for (AccuracyPeer p : peers) {
            List<Integer> ks = peerShardCounts(p, plan.maxShards());
            try {
                JsonNode a = p.ask(Map.of("kind", "grouping", "dtype", d.label(), "n", n, "shards", ks),
                        stdin -> writeStorage(master, d, stdin), requestSeconds(g.storageBytes(), 900));
                double whole = number(a.path("per_shard").path(0), 0); // k = 1: the unsharded norm
                for (int at = 0; at < ks.size(); at++) {
                    int k = ks.get(at);
                    JsonNode per = a.path("per_shard").path(at);
                    if (per.size() != k) throw new AccuracyPeer.Failure("its answer for k = " + k + " has " + per.size() + " shard norms");
                    double[] parts = new double[k];
                    for (int i = 0; i < k; i++) parts[i] = number(per, i);
                    groupingRow(p.label(), family(p), "library", d, n, k, "library-over-k-tensors", number(a.path("global"), at), whole, "");
                    for (String how : COMBINATIONS) groupingRow(p.label(), family(p), "library", d, n, k, how, combine(how, parts), whole, "");
                }
            } catch (AccuracyPeer.Failure e) {
                groupingRow(p.label(), family(p), "library", d, n, 0, "", Double.NaN, Double.NaN, "not run: " + e.getMessage());
            }
        }
    }

    /**
     * The shard counts a peer is asked: every k from 1 for PyTorch (eager); for JAX, whose jax.jit compiles once per k and per
     * shard length (two minutes a dtype for k = 1..64 on 2 cores), 1 to 4 and then powers of two and their 1.5 multiples up to max.
     */
    static List<Integer> peerShardCounts(AccuracyPeer p, int max) {
        List<Integer> ks = new ArrayList<>();
        for (int k = 1; k <= max; k++) {
            boolean sparse = p.label().startsWith("jax");
            if (!sparse || k <= 4 || Integer.bitCount(k) == 1 || (k % 3 == 0 && Integer.bitCount(k / 3) == 1)) ks.add(k);
        }
        return ks;
    }

    private static double number(JsonNode array, int i) throws AccuracyPeer.Failure {
        JsonNode v = array.path(i);
        if (!v.isNumber()) throw new AccuracyPeer.Failure("its answer lacks a number at position " + i);
        return v.asDouble();
    }

    /** A unit in the last place of v in the storage dtype (binary16 and bfloat16 included). */
    static double ulp(double v, DType d) {
        double a = Math.abs(v);
        return switch (d) {
            case F64 -> Math.ulp(a);
            case F32 -> Math.ulp((float) a);
            case BF16 -> Math.scalb(1.0, Math.max(Math.getExponent((float) a), -126) - 7);
            case F16 -> Math.scalb(1.0, Math.max(Math.getExponent((float) a), -14) - 10);
        };
    }

    private void groupingRow(String impl, String backend, String kernel, DType d, long n, int k, String how, double value, double whole, String note) {
        double ulps = Math.abs(value - whole) / ulp(whole, d);
        boolean ok = note.isEmpty() && ulps <= GROUPING_BOUND_ULPS;
        grouping.add(new String[] {impl, backend, kernel, d.label(), Long.toString(n), Integer.toString(k), how, note.isEmpty() ? fmt(value) : "",
                note.isEmpty() ? fmt(whole) : "", note.isEmpty() ? String.format(Locale.ROOT, "%.3g", ulps) : "", Integer.toString(GROUPING_BOUND_ULPS),
                note.isEmpty() ? (ok ? "yes" : "no") : "", note});
    }

    // ---------------------------------------------------------------- the largest finite norm

    /** Bit patterns of the positive values of a dtype: 1 (the smallest subnormal) up to infinity's. */
    static long infinityPattern(DType d) {
        return switch (d) {
            case F64 -> 0x7ff0000000000000L;
            case F32 -> 0x7f800000L;
            case BF16 -> 0x7f80;
            case F16 -> 0x7c00;
        };
    }

    static double valueOf(long pattern, DType d) {
        return switch (d) {
            case F64 -> Double.longBitsToDouble(pattern);
            case F32 -> Float.intBitsToFloat((int) pattern);
            default -> d.half().decode((short) pattern);
        };
    }

    /** The largest pattern whose n-fold norm is finite (by bisection; the last pattern below infinity if that one is). */
    static long largestFinitePattern(java.util.function.LongToDoubleFunction normAt, DType d) {
        long lo = 1, hi = infinityPattern(d);
        if (Double.isFinite(normAt.applyAsDouble(hi - 1))) return hi - 1;
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (Double.isFinite(normAt.applyAsDouble(mid))) lo = mid;
            else hi = mid;
        }
        return lo;
    }

    private void largestFiniteOf(DType d, List<JvmNorm> norms) {
        int n = plan.overflowEntries();
        for (JvmNorm j : norms) {
            Backend b = backends.get(j.backend());
            Tensor t = b.zeros("g", 1, n, d);
            java.util.function.LongToDoubleFunction normAt = pattern -> {
                b.fill(t, valueOf(pattern, d));
                return b.norm2(t, j.kind());
            };
            long p = largestFinitePattern(normAt, d);
            largestRow(j.label(), j.backend(), JvmNorm.kindLabel(j.kind()), d, n, valueOf(p, d), normAt.applyAsDouble(p), Double.MAX_VALUE, "");
        }
        for (AccuracyPeer p : peers) {
            try {
                JsonNode a = p.ask(Map.of("kind", "largest-finite", "dtype", d.label(), "n", n), null, 600);
                long bits = a.path("entry_bits").asLong(-1);
                if (bits < 1 || bits >= infinityPattern(d)) throw new AccuracyPeer.Failure("its largest entry's bits " + bits + " are not a positive finite " + d);
                // a peer returns its norm in the gradient's dtype (torch) or computes in it (JAX): that dtype's range is its result's
                largestRow(p.label(), family(p), "library", d, n, valueOf(bits, d), number(a, "norm"), d.maxValue(), "");
            } catch (AccuracyPeer.Failure e) {
                largestRow(p.label(), family(p), "library", d, n, Double.NaN, Double.NaN, d.maxValue(), "not run: " + e.getMessage());
            }
        }
    }

    /**
     * A largest-finite row. It overflows early when neither the data nor the result's own type stops it: its largest entry
     * is below the dtype's largest value and its largest norm below half the largest value of the type it returns
     * (double for the JVM kernels, the dtype for a peer): a sum of squares that overflowed.
     */
    private void largestRow(String impl, String backend, String kernel, DType d, int n, double entry, double norm, double resultMax, String note) {
        String exact = "";
        if (note.isEmpty()) exact = new BigDecimal(entry).multiply(new BigDecimal(n).sqrt(MathContext.DECIMAL64)).round(new MathContext(6)).toString();
        boolean early = entry < d.maxValue() && norm < resultMax / 2;
        largest.add(new String[] {impl, backend, kernel, d.label(), Integer.toString(n), note.isEmpty() ? fmt(entry) : "", note.isEmpty() ? fmt(norm) : "",
                exact, note.isEmpty() ? (early ? "yes" : "no") : "", note});
    }

    // ---------------------------------------------------------------- files

    static final String[] ACCURACY_HEADER = {"implementation", "backend", "kernel", "dtype", "law", "log2_n", "n", "norm", "exact", "rel_error", "note"};
    static final String[] GROUPING_HEADER = {"implementation", "backend", "kernel", "dtype", "n", "k", "combination", "value", "unsharded", "diff_ulps",
            "bound_ulps", "within", "note"};
    static final String[] LARGEST_HEADER = {"implementation", "backend", "kernel", "dtype", "n", "largest_entry", "norm", "exact_norm", "overflows_early",
            "note"};

    private void writeTables() throws IOException {
        AtomicFiles.writeString(dir.resolve("accuracy.csv"), csv(ACCURACY_HEADER, accuracy));
        AtomicFiles.writeString(dir.resolve("grouping.csv"), csv(GROUPING_HEADER, grouping));
        AtomicFiles.writeString(dir.resolve("largest-finite.csv"), csv(LARGEST_HEADER, largest));
    }

    static String csv(String[] header, List<String[]> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                if (i > 0) sb.append(',');
                String v = r[i];
                sb.append(v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"").replace('\n', ' ') + '"' : v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
