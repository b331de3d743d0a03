package org.clipbench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.clipbench.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "docs", mixinStandardHelpOptions = true,
        description = "Write the generated reference pages (docs/strategies.md, docs/backends.md) from the code; "
                + "--check: exit 1, naming the pages, when the committed ones differ.")
final class DocsCommand implements Callable<Integer> {
    @Option(names = "--out", description = "folder of the pages (default: docs)")
    Path out = Path.of("docs");

    @Option(names = "--check", description = "write nothing; exit 1 if a page differs from what the code prints")
    boolean check;

    @Override
    public Integer call() throws Exception {
        // The nd4j rows of docs/backends.md exist only when ND4J loads pinned to one thread; without the pin
        // the page would silently lose them and differ from the committed one.
        if (!"1".equals(System.getenv("OMP_NUM_THREADS"))) {
            System.err.println("docs: the nd4j rows need OMP_NUM_THREADS=1 set before the JVM starts; "
                    + "run: OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -jar target/benchmarks.jar docs");
            return 2;
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> page : ReferencePages.all().entrySet()) {
            Path file = out.resolve(page.getKey());
            boolean same = Files.exists(file) && Files.readString(file).equals(page.getValue());
            if (same) continue;
            stale.add(file.toString());
            if (!check) AtomicFiles.writeString(file, page.getValue());
        }
        if (check) {
            if (stale.isEmpty()) {
                System.out.println("reference pages up to date");
                return 0;
            }
            System.out.println("out of date: " + String.join(", ", stale) + " (regenerate with: OMP_NUM_THREADS=1 java --add-modules jdk.incubator.vector -jar target/benchmarks.jar docs)");
            return 1;
        }
        System.out.println(stale.isEmpty() ? "reference pages up to date" : "wrote " + String.join(", ", stale));
        return 0;
    }
}
