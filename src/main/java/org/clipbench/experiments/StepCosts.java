package org.clipbench.experiments;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.models.SequenceLinear;
import org.clipbench.params.Layout;
import org.clipbench.params.ParamSet;
import org.clipbench.perexample.ClippingMethod;
import org.clipbench.perexample.ClippingMethods;
import org.clipbench.perexample.LinearLayers;
import org.clipbench.strategy.ClipContext;
import org.clipbench.strategy.ClipReport;
import org.clipbench.strategy.PerExampleClipStrategy;

/**
 * Runs a {@link StepCostSpec}: one row per measured step in costs.csv (written atomically when the measurement is
 * complete; a folder that has it is not measured again). Columns: batch, positions, method, repetition, order (the
 * step's place in its repetition), time_ns, allocated_bytes (ThreadMXBean: what the step allocated), held_bytes (the
 * model's activations and output gradients and the gradient, counted), working_set_bytes (held plus the tensors the
 * method held at once, counted), memory_bytes (held plus allocated: measured), clipped and examples (the rule's
 * report: the step clipped some examples).
 */
public final class StepCosts {
    private StepCosts() {
    }

    public static final String FILE = "costs.csv";
    static final String HEADER = "measurement,measure,backend,dtype,layer,batch,positions,method,repetition,order,time_ns,allocated_bytes,"
            + "held_bytes,working_set_bytes,memory_bytes,clipped,examples";

    public static boolean done(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    public static void run(StepCostSpec spec, Path dir, PrintStream log) throws IOException {
        if (done(dir)) return;
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int batch : spec.batches()) {
            for (int positions : spec.positions()) {
                long t0 = System.nanoTime();
                cell(spec, batch, positions, csv);
                log.printf(Locale.ROOT, "   %s: B = %d, T = %d measured (%.0f s)%n", spec.name(), batch, positions, (System.nanoTime() - t0) / 1e9);
            }
        }
        org.clipbench.io.AtomicFiles.writeString(dir.resolve(FILE), csv.toString());
    }

    /** The JVM's count of bytes this thread allocated (HotSpot's ThreadMXBean). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private record Arm(String method, ClippingMethod clipping, PerExampleClipStrategy rule) {
    }

    private static void cell(StepCostSpec spec, int batch, int positions, StringBuilder csv) {
        Backend b = Backends.create(spec.backend(), 1);
        SequenceLinear layer = SequenceLinear.of(spec.layer());
        ParamSet params = ParamSet.zeros(b, layer.shape(), spec.dtypeOrDefault(), Layout.SEPARATE);
        layer.initialize(params, new SplittableRandom(spec.seedOrDefault()));
        LinearLayers model = layer.on(params, layer.gaussianBatch(batch, positions, spec.seedOrDefault() + 1));
        ParamSet out = params.zerosLike();
        double bound = ClippingMethods.medianExampleNorm(model);
        List<Arm> arms = new ArrayList<>();
        for (String m : spec.methods()) {
            boolean plain = m.equals(ClippingMethods.NON_PRIVATE);
            arms.add(new Arm(m, plain ? null : ClippingMethods.create(m), plain ? null : ClippingMethods.ruleAt(spec.rule(), bound)));
        }
        ClipContext ctx = ClipContext.fast(org.clipbench.backend.NormKind.SAFE);
        warmUp(spec, arms, model, out, ctx);
        long held = model.workingBytes() + out.elementCount() * out.dtype().bytes();
        SplittableRandom order = new SplittableRandom(spec.seedOrDefault() * 1_000_003L + batch * 1009L + positions);
        for (int rep = 1; rep <= spec.repetitions(); rep++) {
            List<Arm> shuffled = shuffled(arms, order);
            for (int k = 0; k < shuffled.size(); k++) {
                Arm a = shuffled.get(k);
                long a0 = allocatedBytes(), t0 = System.nanoTime();
                ClipReport r = step(a, model, out, ctx);
                long time = System.nanoTime() - t0, allocated = allocatedBytes() - a0;
                long working = held + (a.clipping() == null ? 0 : a.clipping().peakBytes());
                csv.append(String.join(",", spec.name(), spec.measure(), spec.backend(), spec.dtypeOrDefault().label(), spec.layer(),
                        Integer.toString(batch), Integer.toString(positions), a.method(), Integer.toString(rep), Integer.toString(k + 1),
                        Long.toString(time), Long.toString(allocated), Long.toString(held), Long.toString(working), Long.toString(held + allocated),
                        Integer.toString(r == null ? 0 : r.clippedUnits()), Integer.toString(batch))).append('\n');
            }
        }
    }

    /** Warm-up of at least this long per method and cell, so that a cell of millisecond steps reaches compiled code too. */
    static final long MIN_WARMUP_NANOS = 300_000_000L;

    /** Rounds of one unmeasured step of every method, until there were `warmup` rounds and each method ran MIN_WARMUP_NANOS. */
    private static void warmUp(StepCostSpec spec, List<Arm> arms, LinearLayers model, ParamSet out, ClipContext ctx) {
        long[] spent = new long[arms.size()];
        for (int round = 0; ; round++) {
            boolean enough = round >= spec.warmupOrDefault();
            for (long s : spent) enough &= s >= MIN_WARMUP_NANOS;
            if (enough) return;
            for (int k = 0; k < arms.size(); k++) {
                long t0 = System.nanoTime();
                step(arms.get(k), model, out, ctx);
                spent[k] += System.nanoTime() - t0;
            }
        }
    }

    private static ClipReport step(Arm a, LinearLayers model, ParamSet out, ClipContext ctx) {
        if (a.clipping() == null) {
            ClippingMethods.nonPrivateStep(model, out);
            return null;
        }
        return a.clipping().step(model, a.rule(), out, ctx);
    }

    /** Fisher-Yates with the measurement's own generator: every repetition its own order, the same in every run. */
    private static List<Arm> shuffled(List<Arm> arms, SplittableRandom r) {
        List<Arm> s = new ArrayList<>(arms);
        for (int i = s.size() - 1; i > 0; i--) java.util.Collections.swap(s, i, r.nextInt(i + 1));
        return s;
    }

    /** The rows of a finished measurement, by column name (for checks and tests that read costs.csv without Tablesaw). */
    public static List<Map<String, String>> read(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve(FILE));
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] f = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) row.put(header[i], f[i]);
            rows.add(row);
        }
        return rows;
    }
}
