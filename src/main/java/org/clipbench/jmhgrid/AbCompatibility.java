package org.clipbench.jmhgrid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipFile;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

/**
 * Whether another build's jar can serve the forks of this JVM's JMH run (an A/B per combination): this
 * JVM stays the host that sends each fork its benchmark and parameters, so both jars must speak the same
 * JMH version and hold, for every benchmark method of the grid, the same parameter names. Anything else
 * would fail inside a fork, or worse, run the base with a parameter silently unset.
 */
public final class AbCompatibility {
    private static final String JMH_VERSION = "META-INF/maven/org.openjdk.jmh/jmh-core/pom.properties";

    /** What a jar offers JMH: its JMH version and, per benchmark method (class.method), its parameter names. */
    public record Offer(String jmhVersion, Map<String, TreeSet<String>> parameters) {
    }

    private AbCompatibility() {
    }

    /** The offer of a built benchmarks jar; IllegalArgumentException when it is not one. */
    public static Offer of(Path jar) {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            var list = z.getEntry(BenchmarkList.BENCHMARK_LIST.substring(1));
            var version = z.getEntry(JMH_VERSION);
            if (list == null || version == null) {
                throw new IllegalArgumentException(jar + ": not a ClipBench benchmarks jar (no JMH benchmark list); build it with mvn -DskipTests package");
            }
            try (InputStream l = z.getInputStream(list); InputStream v = z.getInputStream(version)) {
                return offer(BenchmarkList.readBenchmarkList(l), v);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(jar + ": cannot be read as a jar (" + e.getMessage() + ")");
        }
    }

    /** The offer of the jar this JVM runs from. */
    public static Offer ofThisBuild() {
        try (InputStream l = AbCompatibility.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST);
             InputStream v = AbCompatibility.class.getResourceAsStream("/" + JMH_VERSION)) {
            if (l == null || v == null) throw new IllegalStateException("this build has no JMH benchmark list: run from target/benchmarks.jar");
            return offer(BenchmarkList.readBenchmarkList(l), v);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Offer offer(List<BenchmarkListEntry> entries, InputStream versionProperties) throws IOException {
        Properties p = new Properties();
        p.load(versionProperties);
        Map<String, TreeSet<String>> params = new TreeMap<>();
        for (BenchmarkListEntry e : entries) {
            var ps = e.getParams(); // JMH's own Optional
            params.put(e.getUsername(), new TreeSet<>(ps.hasValue() ? ps.get().keySet() : java.util.Set.of()));
        }
        return new Offer(p.getProperty("version", "unknown"), params);
    }

    /**
     * Why the base cannot run the forks of these combinations, one line each (empty when it can): another
     * JMH version, a benchmark method it lacks, or other parameter names.
     */
    public static List<String> problems(List<Combo> combos, Offer candidate, Offer base) {
        List<String> problems = new ArrayList<>();
        if (!candidate.jmhVersion().equals(base.jmhVersion())) {
            problems.add("the base uses JMH " + base.jmhVersion() + ", this build JMH " + candidate.jmhVersion());
            return problems;
        }
        var methods = new TreeSet<String>();
        for (Combo c : combos) {
            String prefix = BenchRunner.BENCH_PACKAGE + c.benchmark() + ".";
            String only = BenchRunner.methodOf(c);
            candidate.parameters().keySet().stream()
                    .filter(m -> m.startsWith(prefix) && (only == null || m.equals(prefix + only)))
                    .forEach(methods::add);
        }
        for (String m : methods) {
            String shortName = m.substring(BenchRunner.BENCH_PACKAGE.length());
            TreeSet<String> theirs = base.parameters().get(m);
            if (theirs == null) {
                problems.add("the base has no benchmark " + shortName);
            } else if (!theirs.equals(candidate.parameters().get(m))) {
                problems.add(shortName + " has parameters " + theirs + " in the base and " + candidate.parameters().get(m) + " here");
            }
        }
        return problems;
    }
}
