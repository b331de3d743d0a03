package org.clipbench.cli;

import org.clipbench.backend.Backend;
import org.clipbench.backend.Backends;
import org.clipbench.backend.Op;
import org.clipbench.backend.UnsupportedCombinationException;
import picocli.CommandLine.Command;

@Command(name = "backends", mixinStandardHelpOptions = true,
        description = "List the backends, what they support and how each operation is computed.")
final class BackendsCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(text());
    }

    /** What the command prints (also docs/backends.md's list). */
    static String text() {
        StringBuilder out = new StringBuilder();
        for (String name : Backends.names()) {
            Backends.Capabilities c = Backends.capabilities(name);
            out.append(String.format("%s  (f32: %s, bf16 and f16: %s, flat layout: %s, multi-threaded: %s)%n", name, yes(c.f32()),
                    yes(c.half16()), yes(c.flatLayout()), yes(c.multiThreaded())));
            try {
                Backend b = Backends.create(name);
                out.append("  ").append(b.library()).append('\n');
                for (Op op : Op.values()) out.append(String.format("  %-16s %s%n", op.name().toLowerCase(), b.describe(op)));
            } catch (UnsupportedCombinationException e) {
                out.append("  (not loaded here: ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
