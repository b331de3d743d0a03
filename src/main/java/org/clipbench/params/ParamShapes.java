package org.clipbench.params;

import org.clipbench.backend.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Named gradient shapes used across benchmarks and experiments. Matrices are stored rows = output
 * units (the units of adaptive clipping), cols = fan-in, whatever the framework's own storage order.
 */
public final class ParamShapes {
    private ParamShapes() {
    }

    private static final Map<String, Supplier<ParamShape>> REGISTRY = new LinkedHashMap<>();
    private static final Pattern FLAT = Pattern.compile("flat-(\\d+)([kKmM]?)");

    static {
        REGISTRY.put("gpt2-small", ParamShapes::gpt2Small);
        REGISTRY.put("resnet18", ParamShapes::resnet18);
        REGISTRY.put("many-small", () -> manySmall(2000, 256));
    }

    /** Registered names; any "flat-N" (N, NK = N*1024 or NM = N*1024*1024) is accepted too. */
    public static List<String> names() {
        List<String> n = new ArrayList<>(REGISTRY.keySet());
        n.add("flat-N");
        return n;
    }

    public static ParamShape get(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        Supplier<ParamShape> s = REGISTRY.get(key);
        if (s != null) return s.get();
        Matcher m = FLAT.matcher(name.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1)) * switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 1024L;
                case "m" -> 1024L * 1024L;
                default -> 1L;
            };
            if (n < 1 || n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("parameter set '" + name + "': N must be between 1 and "
                        + (Integer.MAX_VALUE - 8));
            }
            return flat(name.trim(), (int) n);
        }
        throw new IllegalArgumentException("unknown parameter set '" + name + "': choose one of " + names()
                + " (e.g. flat-4K, flat-16M)");
    }

    public static ParamShape flat(String name, int n) {
        return new ParamShape(name, List.of(new TensorSpec("w", 1, n, "all")));
    }

    /** GPT-2 small (124M): token and position embeddings, 12 blocks, final layer norm; 148 tensors. */
    public static ParamShape gpt2Small() {
        int d = 768, vocab = 50257, ctx = 1024, blocks = 12;
        List<TensorSpec> t = new ArrayList<>();
        t.add(new TensorSpec("wte.weight", vocab, d, "wte"));
        t.add(new TensorSpec("wpe.weight", ctx, d, "wpe"));
        for (int b = 0; b < blocks; b++) {
            String h = "h." + b + ".";
            t.add(new TensorSpec(h + "ln_1.weight", 1, d, h + "ln_1"));
            t.add(new TensorSpec(h + "ln_1.bias", 1, d, h + "ln_1"));
            t.add(new TensorSpec(h + "attn.c_attn.weight", 3 * d, d, h + "attn.c_attn"));
            t.add(new TensorSpec(h + "attn.c_attn.bias", 1, 3 * d, h + "attn.c_attn"));
            t.add(new TensorSpec(h + "attn.c_proj.weight", d, d, h + "attn.c_proj"));
            t.add(new TensorSpec(h + "attn.c_proj.bias", 1, d, h + "attn.c_proj"));
            t.add(new TensorSpec(h + "ln_2.weight", 1, d, h + "ln_2"));
            t.add(new TensorSpec(h + "ln_2.bias", 1, d, h + "ln_2"));
            t.add(new TensorSpec(h + "mlp.c_fc.weight", 4 * d, d, h + "mlp.c_fc"));
            t.add(new TensorSpec(h + "mlp.c_fc.bias", 1, 4 * d, h + "mlp.c_fc"));
            t.add(new TensorSpec(h + "mlp.c_proj.weight", d, 4 * d, h + "mlp.c_proj"));
            t.add(new TensorSpec(h + "mlp.c_proj.bias", 1, d, h + "mlp.c_proj"));
        }
        t.add(new TensorSpec("ln_f.weight", 1, d, "ln_f"));
        t.add(new TensorSpec("ln_f.bias", 1, d, "ln_f"));
        return new ParamShape("gpt2-small", t);
    }

    /** torchvision ResNet-18 (11.7M): conv weights as out x (in*kh*kw), BN scale and shift, fc 1000x512. */
    public static ParamShape resnet18() {
        List<TensorSpec> t = new ArrayList<>();
        conv(t, "conv1", 64, 3, 7);
        bn(t, "bn1", 64);
        int in = 64;
        int[] widths = {64, 128, 256, 512};
        for (int l = 0; l < 4; l++) {
            int out = widths[l];
            for (int b = 0; b < 2; b++) {
                String p = "layer" + (l + 1) + "." + b + ".";
                int blockIn = b == 0 ? in : out;
                conv(t, p + "conv1", out, blockIn, 3);
                bn(t, p + "bn1", out);
                conv(t, p + "conv2", out, out, 3);
                bn(t, p + "bn2", out);
                if (b == 0 && blockIn != out) {
                    conv(t, p + "downsample.0", out, blockIn, 1);
                    bn(t, p + "downsample.1", out);
                }
            }
            in = out;
        }
        t.add(new TensorSpec("fc.weight", 1000, 512, "fc"));
        t.add(new TensorSpec("fc.bias", 1, 1000, "fc"));
        return new ParamShape("resnet18", t);
    }

    private static void conv(List<TensorSpec> t, String name, int out, int in, int k) {
        t.add(new TensorSpec(name + ".weight", out, in * k * k, name));
    }

    private static void bn(List<TensorSpec> t, String name, int c) {
        t.add(new TensorSpec(name + ".weight", 1, c, name));
        t.add(new TensorSpec(name + ".bias", 1, c, name));
    }

    /** Many small tensors (16 x n/16), grouped eight to a layer: where per-tensor overhead dominates. */
    public static ParamShape manySmall(int count, int size) {
        int rows = size % 16 == 0 ? 16 : 1;
        List<TensorSpec> t = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            t.add(new TensorSpec("p" + i, rows, size / rows, "layer" + (i / 8)));
        }
        return new ParamShape("many-small", t);
    }
}
