package org.clipbench.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.clipbench.privacy.RdpAccountant;
import org.clipbench.privacy.RdpAccountant.Conversion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** DP-SGD accounting from the command line: the epsilon a run spends, or the noise a target epsilon needs. */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = {"DP-SGD privacy accounting (RDP of the Poisson-subsampled Gaussian mechanism, Mironov et al. 2019):",
                "the epsilon of a run at delta, or with --target-epsilon the smallest noise multiplier that stays within it."})
final class PrivacyCommand implements Callable<Integer> {
    @Option(names = "--sampling-rate", required = true, description = "q: the probability an example is in a step's batch (lot / examples for Poisson sampling)")
    double q;

    @Option(names = "--steps", required = true, description = "the number of noisy steps")
    long steps;

    @Option(names = "--sigma", description = "the noise multiplier: noise std / clip bound")
    Double sigma;

    @Option(names = "--target-epsilon", description = "print the noise multiplier for this epsilon instead")
    Double targetEpsilon;

    @Option(names = "--delta", defaultValue = "1e-5", description = "delta (default ${DEFAULT-VALUE})")
    double delta;

    @Option(names = "--count-sigma", description = "adaptive clipping (dp-adaptive): the noise multiplier of the clipped-count query, charged too (Andrew et al. 2021)")
    Double countSigma;

    @Override
    public Integer call() {
        if ((sigma == null) == (targetEpsilon == null)) throw new IllegalArgumentException("give either --sigma (to get epsilon) or --target-epsilon (to get sigma)");
        if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, not " + steps);
        if (targetEpsilon != null) {
            double s = RdpAccountant.sigmaFor(targetEpsilon, q, steps, delta, Conversion.BALLE_2020);
            System.out.printf(Locale.ROOT, "sigma %.4f keeps %d steps at sampling rate %s within epsilon %s at delta %s (Balle et al. 2020 conversion)%n",
                    s, steps, q, targetEpsilon, delta);
            return 0;
        }
        double charged = countSigma == null ? sigma : RdpAccountant.withQuantileCount(sigma, countSigma);
        if (countSigma != null && sigma >= RdpAccountant.MIN_SIGMA && !(charged >= RdpAccountant.MIN_SIGMA)) {
            throw new IllegalArgumentException("--count-sigma " + countSigma + " with --sigma " + sigma + " charges a noise multiplier of " + charged
                    + ", below " + RdpAccountant.MIN_SIGMA + " (the count is released with next to no noise); give a larger --count-sigma");
        }
        RdpAccountant.Spent tight = RdpAccountant.epsilon(q, charged, steps, delta, Conversion.BALLE_2020);
        RdpAccountant.Spent standard = RdpAccountant.epsilon(q, charged, steps, delta, Conversion.STANDARD);
        System.out.printf(Locale.ROOT, "epsilon %.4f at delta %s (RDP order %s, Balle et al. 2020 conversion); %.4f by the standard conversion (order %s)%n",
                tight.epsilon(), delta, order(tight.order()), standard.epsilon(), order(standard.order()));
        if (countSigma != null) System.out.printf(Locale.ROOT, "charged noise multiplier %.4f: gradient noise %s with the count's %s%n", charged, sigma, countSigma);
        return 0;
    }

    private static String order(double a) {
        return java.math.BigDecimal.valueOf(a).stripTrailingZeros().toPlainString();
    }
}
