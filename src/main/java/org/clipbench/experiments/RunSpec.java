package org.clipbench.experiments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** One run of a sweep: its strategy, learning rate and seed. Its id is stable across shards and resumes. */
public record RunSpec(SweepConfig config, String strategy, double lr, long seed) {

    /** strategy-lr-seed plus a hash of everything that defines the run (problem, backend, settings; sampling only where given, so older ids stay). */
    public String id() {
        String readable = strategy.replaceAll("[^A-Za-z0-9.=-]", "_") + "-lr" + lr + "-s" + seed;
        String all = config.problem().idText() + "|" + config.backendOrDefault() + "|" + config.dtypeOrDefault() + "|"
                + config.optimizerOrDefault() + "|" + config.settings(lr) + "|" + strategy + "|" + lr + "|" + seed
                + (config.sampling() == null ? "" : "|sampling=" + config.sampling() + (config.poissonSampling() ? ",delta=" + config.deltaOrDefault() : ""));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(all.getBytes(StandardCharsets.UTF_8));
            return readable + "-" + String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
