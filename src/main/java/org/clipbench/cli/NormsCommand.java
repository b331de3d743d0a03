package org.clipbench.cli;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.UnsupportedCombinationException;
import picocli.CommandLine.Command;

/** Runs every backend's norms on the inputs where libraries differ and prints what each returns; its accuracy subcommand measures their errors. */
@Command(name = "norms", mixinStandardHelpOptions = true, subcommands = NormsCommand.Accuracy.class,
        description = {"Show, from a run on this machine, which norms overflow, underflow or mishandle Inf/NaN, per backend and dtype.",
                "'norms accuracy' measures the relative error of every norm against an exact reference (see its --help)."})
final class NormsCommand implements Runnable {

    /** The accuracy table: relative error of the global L2 norm, grouping invariance, the largest finite norm. */
    @Command(name = "accuracy", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Measure the relative error of the global L2 norm of one gradient tensor against its exact value, for every backend, "
                    + "norm kind, dtype (f32, f64, bf16, f16) and peer (every torch version found, JAX), for gradients of 2^10 to 2^30 entries "
                    + "and value laws that break naive sums; grouping invariance over k = 1..64 shards; the largest finite norm. Writes "
                    + "accuracy.csv, grouping.csv, largest-finite.csv and accuracy.md into --out (the report command draws them).",
                    "Memory: the largest gradient is held once (2^30 f32 = 4 GiB): give java -Xmx accordingly; another backend's copy runs "
                    + "only where the heap has room (else its row says why)."})
    static final class Accuracy implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Option(names = "--plan", description = "smoke (seconds), quick (1K-4M entries, the quick profile's; default) or full (1K-2^30)")
        String plan = "quick";

        @picocli.CommandLine.Option(names = "--log2-sizes", description = "gradient sizes as powers of two, e.g. 10,20,24 or 10..30 (default: the plan's)")
        String sizes;

        @picocli.CommandLine.Option(names = "--laws", split = ",", description = "value laws: ones, normal, cauchy, few-huge, near-max, near-min (default: all)")
        List<String> laws;

        @picocli.CommandLine.Option(names = "--dtypes", split = ",", description = "f32, f64, bf16, f16 (default: all)")
        List<String> dtypes;

        @picocli.CommandLine.Option(names = "--peers", split = ",", description = "pytorch, jax, or none (default: the plan's; smoke has none)")
        List<String> peers;

        @picocli.CommandLine.Option(names = "--python", description = "the peers' Python interpreter (default: discovered, as bench does)")
        java.nio.file.Path python;

        @picocli.CommandLine.Option(names = "--out", description = "the folder to write (default results/accuracy/<UTC time>-<git sha>)")
        java.nio.file.Path out;

        @Override
        public Integer call() throws Exception {
            org.clipbench.accuracy.AccuracyPlan p = org.clipbench.accuracy.AccuracyPlan.named(plan)
                    .with(parseSizes(sizes), laws == null ? null : laws.stream().map(org.clipbench.accuracy.ValueLaw::parse).toList(),
                            dtypes == null ? null : dtypes.stream().map(d -> parseDtype(d)).toList(), parsePeers(peers));
            if (python != null) org.clipbench.peer.PythonPeers.requireInterpreter(python);
            org.clipbench.accuracy.AccuracyRun.requireHeap(p);
            java.nio.file.Path dir = out != null ? out : java.nio.file.Path.of("results", "accuracy",
                    java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                            + "-" + org.clipbench.io.Environment.git().get("sha"));
            try (org.clipbench.io.RunFolder folder = org.clipbench.io.RunFolder.lock(dir)) {
                org.clipbench.io.AtomicFiles.write(dir.resolve("environment.json"), new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter().writeValueAsBytes(org.clipbench.io.Environment.capture(java.util.Map.of("accuracy_plan", p))));
                var o = org.clipbench.accuracy.AccuracyRun.run(p, dir, python == null ? null : python.toAbsolutePath().toString(), System.out);
                System.out.println(java.nio.file.Files.readString(dir.resolve("accuracy.md")));
                System.out.printf("accuracy: %s (%d accuracy rows, %d grouping rows, %d largest-finite rows; accuracy.csv, grouping.csv, "
                        + "largest-finite.csv, accuracy.md); figures and HTML: java --add-modules=jdk.incubator.vector -jar target/benchmarks.jar report %s%n",
                        dir, o.accuracyRows(), o.groupingRows(), o.largestRows(), dir);
                o.notRun().forEach(n -> System.out.println("not run: " + n));
                return 0;
            }
        }

        private static DType parseDtype(String d) {
            try {
                return DType.parse(d);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--dtypes: " + e.getMessage());
            }
        }

        static List<String> parsePeers(List<String> given) {
            if (given == null) return null;
            if (given.equals(List.of("none"))) return List.of();
            for (String g : given) {
                if (!BenchCommand.PEERS.contains(g)) throw new IllegalArgumentException("--peers " + g + ": the peers are " + String.join(", ", BenchCommand.PEERS) + " (or none)");
            }
            return List.copyOf(given);
        }

        /** "10,20,24" or "10..30" (powers of two); null keeps the plan's. */
        static List<Integer> parseSizes(String text) {
            if (text == null) return null;
            List<Integer> out = new ArrayList<>();
            try {
                for (String part : text.split(",")) {
                    String t = part.trim();
                    if (t.contains("..")) {
                        String[] ab = t.split("\\.\\.");
                        int a = Integer.parseInt(ab[0].trim()), b = Integer.parseInt(ab[1].trim());
                        if (a > b) throw new NumberFormatException();
                        for (int k = a; k <= b; k++) out.add(k);
                    } else {
                        out.add(Integer.parseInt(t));
                    }
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("--log2-sizes '" + text + "': give powers of two as exponents, e.g. 10,20,24 or 10..30");
            }
            for (int k : out) {
                if (k < 0 || k > 30) throw new IllegalArgumentException("--log2-sizes: 2^" + k + " is out of range: sizes run from 2^0 to 2^30 entries");
            }
            return out;
        }
    }

    /** A named input per storage type: the values given to the norm (as stored), per dtype. */
    record Input(String label, double[] f64, double[] f32, double[] f16) {
        /** bf16 has f32's range: it takes the f32 values (rounded to bf16 when stored). */
        double[] valuesFor(DType d) {
            return switch (d) {
                case F64 -> f64;
                case F32, BF16 -> f32;
                case F16 -> f16;
            };
        }
    }

    static List<Input> inputs() {
        return List.of(
                new Input("[1e200, 1e200] / f32, bf16 [1e20, 1e20] / f16 [6e4, 6e4]", new double[] {1e200, 1e200}, new double[] {1e20, 1e20},
                        new double[] {6e4, 6e4}),
                new Input("[1e-200, 1e-200] / f32, bf16 [1e-25, 1e-25] / f16 [1e-7, 1e-7]", new double[] {1e-200, 1e-200},
                        new double[] {1e-25, 1e-25}, new double[] {1e-7, 1e-7}),
                new Input("[Inf, 1]", new double[] {Double.POSITIVE_INFINITY, 1}, new double[] {Double.POSITIVE_INFINITY, 1},
                        new double[] {Double.POSITIVE_INFINITY, 1}),
                new Input("[NaN, 0]", new double[] {Double.NaN, 0}, new double[] {Double.NaN, 0}, new double[] {Double.NaN, 0}));
    }

    /** The exact norm of the values as the tensor holds them (rounded to its dtype), by the norm convention for NaN and Inf. */
    static double expected(double[] held) {
        java.math.BigDecimal s = java.math.BigDecimal.ZERO;
        boolean infinite = false;
        for (double v : held) {
            if (Double.isNaN(v)) return Double.NaN;
            if (Double.isInfinite(v)) infinite = true;
            else s = s.add(new java.math.BigDecimal(v).pow(2));
        }
        return infinite ? Double.POSITIVE_INFINITY : s.sqrt(new java.math.MathContext(34)).doubleValue();
    }

    @Override
    public void run() {
        System.out.print(table());
    }

    /** The Markdown table the command prints (also in docs/backends.md). */
    static String table() {
        StringBuilder out = new StringBuilder();
        out.append("| backend | dtype | norm | ").append(String.join(" | ", inputs().stream().map(Input::label).toList())).append(" |\n");
        out.append("| --- | --- | --- |").append(" --- |".repeat(inputs().size())).append('\n');
        for (String name : Backends.names()) {
            Backend b;
            try {
                b = Backends.create(name);
            } catch (UnsupportedCombinationException e) {
                out.append("| ").append(name).append(" | | not loaded: ").append(e.getMessage()).append(" |\n");
                continue;
            }
            for (DType d : DType.values()) {
                if (!b.supports(d)) continue;
                for (NormKind k : new NormKind[] {NormKind.LIBRARY, NormKind.SAFE}) {
                    List<String> cells = new ArrayList<>();
                    for (Input in : inputs()) {
                        double[] x = in.valuesFor(d);
                        org.clipbench.backend.Tensor t = b.fromDoubles("x", 1, x.length, d, x);
                        double v = b.norm2(t, k);
                        cells.add(String.format("%.4g %s", v, verdict(v, expected(b.toDoubles(t)))));
                    }
                    out.append(String.format("| %s | %s | %s | %s |%n", name, d, k == NormKind.LIBRARY ? "library" : "safe",
                            String.join(" | ", cells)));
                }
            }
        }
        return out.toString();
    }

    static String verdict(double v, double expected) {
        if (Double.isNaN(expected)) return Double.isNaN(v) ? "ok" : "WRONG";
        if (Double.isInfinite(expected)) return v == expected ? "ok" : "WRONG";
        if (Double.isInfinite(v)) return "OVERFLOW";
        if (v == 0) return "UNDERFLOW";
        return Math.abs(v - expected) <= 1e-6 * expected ? "ok" : "WRONG";
    }
}
