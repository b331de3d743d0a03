package org.clipbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.clipbench.privacy.RdpAccountant;
import org.clipbench.privacy.RdpAccountant.Conversion;
import org.junit.jupiter.api.Test;

/** The privacy command prints what the accountant computes, both ways round. */
class PrivacyCommandTest {

    static String run(String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void epsilonOfARunAndSigmaForATarget() {
        String eps = run("privacy", "--sampling-rate", "0.004", "--steps", "10000", "--sigma", "1.1");
        double tight = RdpAccountant.epsilon(0.004, 1.1, 10_000, 1e-5, Conversion.BALLE_2020).epsilon();
        double standard = RdpAccountant.epsilon(0.004, 1.1, 10_000, 1e-5, Conversion.STANDARD).epsilon();
        assertThat(eps).startsWith(String.format(Locale.ROOT, "epsilon %.4f at delta 1.0E-5", tight))
                .contains(String.format(Locale.ROOT, "%.4f by the standard conversion", standard));
        String sigma = run("privacy", "--sampling-rate", "0.004", "--steps", "10000", "--target-epsilon", "2");
        double s = RdpAccountant.sigmaFor(2, 0.004, 10_000, 1e-5, Conversion.BALLE_2020);
        assertThat(sigma).startsWith(String.format(Locale.ROOT, "sigma %.4f keeps 10000 steps", s));
        // adaptive clipping's count is charged: more epsilon than the gradient noise alone
        String adaptive = run("privacy", "--sampling-rate", "0.004", "--steps", "10000", "--sigma", "1.1", "--count-sigma", "2");
        assertThat(adaptive).contains("charged noise multiplier 1.0606");
    }

    /** Issue 36: the largest sigma never returned; the smallest positive delta printed a NumberFormatException's message. */
    @Test
    void extremeButValidValuesAreComputed() {
        java.time.Duration limit = java.time.Duration.ofSeconds(60);
        String huge = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(limit,
                () -> run("privacy", "--sampling-rate", "0.01", "--steps", "100", "--sigma", "1.7976931348623157e308"));
        assertThat(huge).startsWith(String.format(Locale.ROOT, "epsilon %.4f at delta 1.0E-5",
                RdpAccountant.epsilon(0, 1, 100, 1e-5, Conversion.BALLE_2020).epsilon()));
        String tinyDelta = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(limit,
                () -> run("privacy", "--sampling-rate", "0.01", "--steps", "100", "--sigma", "1", "--delta", "4.9e-324"));
        assertThat(tinyDelta).startsWith(String.format(Locale.ROOT, "epsilon %.4f at delta 4.9E-324",
                RdpAccountant.epsilon(0.01, 1, 100, Double.MIN_VALUE, Conversion.BALLE_2020).epsilon()));
    }
}
