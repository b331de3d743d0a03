package org.clipbench.jmhgrid;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/** One benchmark class with one value per JMH parameter: the unit that is run, saved and resumed. */
public record Combo(String benchmark, Map<String, String> params) {
    public Combo {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public String backend() {
        return params.getOrDefault("backend", "-");
    }

    public int threads() {
        return Integer.parseInt(params.getOrDefault("threads", "1"));
    }

    /** Readable and stable: the class and every value, made file-name safe, plus a short content hash. */
    public String id() {
        StringBuilder sb = new StringBuilder(benchmark);
        params.values().forEach(v -> sb.append('.').append(v.replaceAll("[^A-Za-z0-9.+-]", "_")));
        return sb + "." + hash();
    }

    private String hash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((benchmark + params).getBytes(StandardCharsets.UTF_8));
            return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(benchmark);
        params.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }
}
