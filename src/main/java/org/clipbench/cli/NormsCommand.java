package org.clipbench.cli;

import java.util.ArrayList;
import java.util.List;
import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.DType;
import org.clipbench.backend.NormKind;
import org.clipbench.backend.UnsupportedCombinationException;
import picocli.CommandLine.Command;

/** Runs every backend's norms on the inputs where libraries differ and prints what each returns. */
@Command(name = "norms", mixinStandardHelpOptions = true,
        description = "Show, from a run on this machine, which norms overflow, underflow or mishandle Inf/NaN, per backend and dtype.")
final class NormsCommand implements Runnable {

    record Input(String label, double[] f64, double[] f32, double expected64, double expected32) {
    }

    static List<Input> inputs() {
        return List.of(
                new Input("[1e200, 1e200] / f32 [1e20, 1e20]", new double[] {1e200, 1e200}, new double[] {1e20, 1e20},
                        Math.sqrt(2) * 1e200, Math.sqrt(2) * (double) (float) 1e20),
                new Input("[1e-200, 1e-200] / f32 [1e-25, 1e-25]", new double[] {1e-200, 1e-200}, new double[] {1e-25, 1e-25},
                        Math.sqrt(2) * 1e-200, Math.sqrt(2) * (double) (float) 1e-25),
                new Input("[Inf, 1]", new double[] {Double.POSITIVE_INFINITY, 1}, new double[] {Double.POSITIVE_INFINITY, 1},
                        Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY),
                new Input("[NaN, 0]", new double[] {Double.NaN, 0}, new double[] {Double.NaN, 0}, Double.NaN, Double.NaN));
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
                        double[] x = d == DType.F64 ? in.f64() : in.f32();
                        double v = b.norm2(b.fromDoubles("x", 1, x.length, d, x), k);
                        double expected = d == DType.F64 ? in.expected64() : in.expected32();
                        cells.add(String.format("%.4g %s", v, verdict(v, expected)));
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
