package org.clipbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import org.clipbench.jmhgrid.Block;
import org.clipbench.jmhgrid.Combo;
import org.clipbench.jmhgrid.Filters;
import org.clipbench.jmhgrid.Grid;
import org.clipbench.jmhgrid.Profile;
import org.junit.jupiter.api.Test;

/** A benchmark class is one class plus one line in {@link Benchmarks}: these tests hold that true. */
class BenchmarksTest {

    @Test
    void everyClassWithBenchmarkMethodsIsRegistered() {
        List<String> withBenchmarks = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/jmh_generated/"))
                .importPackages("org.clipbench").stream()
                .filter(c -> c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith(org.openjdk.jmh.annotations.Benchmark.class)))
                .map(JavaClass::getSimpleName).sorted().toList();
        assertThat(withBenchmarks).as("the import found the benchmark classes").contains(Benchmarks.CLIP, Benchmarks.NORM);
        assertThat(Benchmarks.names()).as("Benchmarks.ALL: register each class with @Benchmark methods there, once")
                .containsExactlyInAnyOrderElementsOf(withBenchmarks);
    }

    @Test
    void everyRegisteredBenchmarkRunsInTheSmokeAndFullProfiles() {
        for (Profile p : List.of(Profile.smoke(), Profile.full())) {
            List<String> run = Grid.build(p, Filters.none()).combos().stream().map(Combo::benchmark).distinct().toList();
            assertThat(run).as(p.toString()).containsExactlyInAnyOrderElementsOf(Benchmarks.names());
        }
    }

    /**
     * One name for the data set (a flat size or a parameter set) in every benchmark, grid, table and filter: "data". Both
     * ways: a parameter whose values are data sets is called data, and a parameter called data holds data sets.
     */
    @Test
    void everyBenchmarkCallsItsDataSetData() {
        Map<String, String> violations = new java.util.TreeMap<>();
        int dataSets = 0;
        for (Class<?> c : Benchmarks.ALL) {
            List<Class<?>> states = new java.util.ArrayList<>(List.of(c));
            states.addAll(List.of(c.getDeclaredClasses()));
            for (Class<?> s : states) {
                for (java.lang.reflect.Field f : s.getFields()) {
                    org.openjdk.jmh.annotations.Param p = f.getAnnotation(org.openjdk.jmh.annotations.Param.class);
                    if (p == null) continue;
                    String first = p.value().length > 0 ? p.value()[0] : "";
                    if (isDataSet(first)) dataSets++;
                    String why = namingViolation(f.getName(), first);
                    if (why != null) violations.put(s.getSimpleName() + "." + f.getName(), why);
                }
            }
        }
        assertThat(violations).as("parameters named against the rule").isEmpty();
        assertThat(dataSets).as("data sets found among " + Benchmarks.names() + " (the check looks at something)").isPositive();
        // the rule itself, on parameters that break it
        assertThat(namingViolation("size", "flat-4K")).contains("call it data");
        assertThat(namingViolation("params", "resnet18")).contains("call it data");
        assertThat(namingViolation("data", "sgd")).contains("holds no data set");
        assertThat(namingViolation("score", "1")).contains("column of the results table");
        assertThat(namingViolation("data", "flat-4K")).isNull();
    }

    /** Why a parameter with this name and first value breaks the naming rule, or null. */
    private static String namingViolation(String name, String firstValue) {
        if (List.of("params", "size").contains(name)) return "an old name: call it data";
        // a parameter named like a column of the results table (mode, score, ...) breaks loading them
        if (org.clipbench.analysis.JmhResults.FIXED_COLUMNS.contains(name)) return "a column of the results table";
        boolean dataSet = isDataSet(firstValue);
        if (dataSet && !name.equals("data")) return "holds a data set: call it data";
        if (!dataSet && name.equals("data")) return "is called data but holds no data set";
        return null;
    }

    private static boolean isDataSet(String value) {
        try {
            org.clipbench.params.ParamShapes.get(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Results and grids of older versions named the data set "params" or "size" (and NormBenchmark's values "data"). */
    @Test
    void olderParameterNamesAreReadAsTodays() {
        assertThat(Benchmarks.withCurrentNames(Map.of("backend", "vector", "params", "resnet18"))).containsOnly(
                Map.entry("backend", "vector"), Map.entry("data", "resnet18"));
        java.util.LinkedHashMap<String, String> norm = new java.util.LinkedHashMap<>();
        norm.put("size", "flat-4K");
        norm.put("kind", "safe");
        norm.put("data", "huge");
        assertThat(Benchmarks.withCurrentNames(norm)).containsExactly(Map.entry("data", "flat-4K"), Map.entry("kind", "safe"), Map.entry("values", "huge"));
        Map<String, String> today = Map.of("data", "flat-4K", "values", "huge");
        assertThat(Benchmarks.withCurrentNames(today)).isSameAs(today);
    }

    @Test
    void aBlockOfAnUnregisteredBenchmarkIsRefused() {
        assertThatThrownBy(() -> new Block("SpeedBenchmark", Map.of("data", List.of("flat-4K"))))
                .hasMessageContaining("not a registered benchmark");
        assertThatThrownBy(() -> new Filters(null, null, null, null, null, List.of("SpeedBenchmark")).validate())
                .hasMessageContaining("unknown benchmark 'SpeedBenchmark'");
    }

    /** The models are problem specs now; the first step's loss is the one of the models the benchmark built by hand before. */
    @Test
    void trainingStepModelsAreTheHandBuiltOnes() {
        var rng = new java.util.SplittableRandom(1);
        var task = new org.clipbench.tasks.PathologicalTask(org.clipbench.tasks.PathologicalTask.Kind.TEMPORAL_ORDER, 50);
        var rnn = new org.clipbench.models.ElmanRnn(6, 50, 4, org.clipbench.kernel.Activation.TANH,
                org.clipbench.models.Loss.SOFTMAX_CROSS_ENTROPY, false, org.clipbench.models.ElmanRnn.Init.SMART);
        var batch = task.trainBatch(rng, 20);
        var params = org.clipbench.params.ParamSet.zeros(org.clipbench.backend.Backends.create("arrays", 1), rnn.shape(),
                org.clipbench.backend.DType.F64, org.clipbench.params.Layout.SEPARATE);
        rnn.initialize(params, rng);
        double handBuilt = rnn.lossAndGradient(params, batch, params.zerosLike());

        TrainingStepBenchmark b = new TrainingStepBenchmark();
        b.model = "rnn-T50";
        b.backend = "arrays";
        b.dtype = "f64";
        b.strategy = "global-norm:c=1";
        b.setup();
        assertThat(b.step()).isEqualTo(handBuilt);
        assertThat(TrainingStepBenchmark.MODELS.keySet()).containsExactly("rnn-T50", "rnn-T100", "mlp-digits", "logistic-bc");
        // 64-128-128-10 and 30 inputs + bias: the architectures the benchmark documents
        assertThat(TrainingStepBenchmark.MODELS.get("mlp-digits").build().shape().totalSize()).isEqualTo(64 * 128 + 128 + 128 * 128 + 128 + 128 * 10 + 10);
        assertThat(TrainingStepBenchmark.MODELS.get("logistic-bc").build().shape().totalSize()).isEqualTo(31);
    }
}
