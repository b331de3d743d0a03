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
        for (String name : Backends.names()) {
            Backends.Capabilities c = Backends.capabilities(name);
            System.out.printf("%s  (f32: %s, flat layout: %s, multi-threaded: %s)%n", name, yes(c.f32()), yes(c.flatLayout()),
                    yes(c.multiThreaded()));
            try {
                Backend b = Backends.create(name);
                System.out.println("  " + b.library());
                for (Op op : Op.values()) System.out.printf("  %-16s %s%n", op.name().toLowerCase(), b.describe(op));
            } catch (UnsupportedCombinationException e) {
                System.out.println("  (not loaded here: " + e.getMessage() + ")");
            }
        }
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
