package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assertions;
import picocli.CommandLine;

/**
 * Fuzzing the privacy command at the edges of a double (issue 36: sigma 4.9e-324 and 1.8e308 never
 * returned, sigma 1e8 was reported as a bug, delta 4.9e-324 printed a NumberFormatException's text):
 * sampling rate, sigma, steps, delta, the count's sigma and a target epsilon drawn from values next to
 * 0, 1/2, 1 and the largest double. Every command line returns within a minute with exit 0 and finite
 * numbers, or exit 2 and one "error:" line.
 */
class PrivacyFuzzTest {
    static final List<String> RATES = List.of("0", "4.9e-324", "1e-300", "1e-12", "0.01", "0.5", "0.999999", "1", "1.5", "NaN", "-0.0");
    static final List<String> SIGMAS = List.of("4.9e-324", "1e-300", "1e-100", "1e-2", "1", "1e4", "3e4", "1e8", "1e154", "1.7976931348623157e308",
            "Infinity", "NaN", "0", "-1");
    static final List<String> STEPS = List.of("1", "100", "9223372036854775807", "0", "-5");
    static final List<String> DELTAS = List.of("4.9e-324", "1e-300", "1e-5", "0.5", "0.9999999999999999", "1", "0", "NaN");
    static final List<String> COUNT_SIGMAS = List.of("", "4.9e-324", "1", "1.7976931348623157e308", "NaN");
    static final List<String> TARGETS = List.of("", "", "", "4.9e-324", "1", "1e300", "Infinity", "NaN");
    static final Pattern NUMBER = Pattern.compile("(epsilon|sigma) (\\S+)");

    @Provide
    Arbitrary<List<String>> commandLines() {
        return Combinators.combine(Arbitraries.of(RATES), Arbitraries.of(SIGMAS), Arbitraries.of(STEPS), Arbitraries.of(DELTAS),
                Arbitraries.of(COUNT_SIGMAS), Arbitraries.of(TARGETS)).as((q, sigma, steps, delta, count, target) -> {
                    List<String> args = new ArrayList<>(List.of("privacy", "--sampling-rate", q, "--steps", steps, "--delta", delta));
                    if (target.isEmpty()) args.addAll(List.of("--sigma", sigma));
                    else args.addAll(List.of("--target-epsilon", target));
                    if (!count.isEmpty() && target.isEmpty()) args.addAll(List.of("--count-sigma", count));
                    return args;
                });
    }

    @Property(tries = 120)
    void everyCommandLineReturnsANumberOrOneLine(@ForAll("commandLines") List<String> args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            PrintStream before = System.out;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                CommandLine cl = Main.commandLine();
                cl.setErr(new PrintWriter(err, true));
                return cl.execute(args.toArray(String[]::new));
            } finally {
                System.setOut(before);
            }
        }, () -> String.join(" ", args) + " did not return");
        String e = err.toString().strip(), o = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(args + ": " + e).isIn(0, 2);
        if (code == 2) {
            assertThat(e).as(args.toString()).startsWith("error:").doesNotContain("Exception").doesNotContain("\tat ").hasLineCount(1);
        } else {
            Matcher m = NUMBER.matcher(o);
            assertThat(m.find()).as(args + ": " + o).isTrue();
            assertThat(Double.parseDouble(m.group(2))).as(args + ": " + o).isFinite().isGreaterThanOrEqualTo(0);
        }
    }
}
