package org.clipbench.cli;

import java.util.List;
import org.clipbench.jmhgrid.Filters;
import picocli.CommandLine.Option;

/** The options that narrow a profile's grid, shared by the commands that run one (bench, ab). */
public final class GridOptions {

    @Option(names = "--profile", description = "smoke (CI, ~3 min), quick (default, ~10 min) or full (hours)")
    String profile = "quick";

    @Option(names = "--backends", split = ",", description = "only these backends (see the backends command), e.g. arrays,vector")
    List<String> backends;

    @Option(names = "--strategies", split = ",", description = "only these strategies (see the strategies command)")
    List<String> strategies;

    @Option(names = {"--data", "--sizes"}, split = ",", description = "only these data sets: flat-N (e.g. flat-4K, flat-16M), resnet18, gpt2-small, many-small (--sizes: its older name)")
    List<String> dataSets;

    @Option(names = "--dtypes", split = ",", description = "only these dtypes: f32,f64")
    List<String> dtypes;

    @Option(names = "--threads", split = ",", description = "only these thread counts, e.g. 1,2")
    List<String> threads;

    @Option(names = "--benchmarks", split = ",", description = "only these benchmark classes (see the Benchmarks registry), e.g. NormBenchmark,ClipBenchmark")
    List<String> benchmarks;

    /** The filters, checked: IllegalArgumentException naming a bad value and the valid ones. */
    Filters filters() {
        return new Filters(backends, strategies, dataSets, dtypes, threads, benchmarks).validate();
    }
}
