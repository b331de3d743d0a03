package org.clipbench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Python interpreters the peers can run in, and what each imports. Candidates, in order: an explicit
 * {@code --python PATH} (then only it); else {@code $CLIPBENCH_PYTHON}, the project's {@code .venv/bin/python}
 * (what {@code .ci/run} creates), {@code python3} on the PATH and Debian's {@code /usr/bin/python3}. Each is asked
 * once, in one short run under a deadline, for its torch, jax and optax versions. The PyTorch peer runs in the
 * interpreter with the newest torch (users run PyTorch 2.x; Debian's python3-torch is 1.13), JAX's in the first
 * one with jax and optax (the newest torch's when it has them), and the accuracy table asks every distinct torch
 * version found.
 */
public final class PythonPeers {
    private PythonPeers() {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** The project's virtual environment, relative to the working folder (the project root, as run-bench.sh runs). */
    public static final Path PROJECT_VENV = Path.of(".venv", "bin", "python");
    public static final String ENV_VARIABLE = "CLIPBENCH_PYTHON";

    /** Seconds an interpreter may take to import torch, jax and optax (a cold import of torch takes several). */
    static long probeSeconds() {
        return Long.getLong("clipbench.peerProbeSeconds", 120);
    }

    /** One interpreter and what it imports: versions, null where the import failed (missing says why). */
    public record Interpreter(String path, String python, String torch, String jax, String optax, String missing) {
        public boolean hasTorch() {
            return torch != null;
        }

        public boolean hasJax() {
            return jax != null && optax != null;
        }

        /** torch's version without a local build tag: "2.13.0+cpu" is "2.13.0". */
        public String torchVersion() {
            return torch == null ? null : torch.replaceAll("\\+.*$", "");
        }

        /**
         * Whether its torch is 2.0 or later: torch.func (per-sample gradients) and half-precision clamps on the CPU
         * came with 2.0; Debian's 1.13 has neither.
         */
        public boolean hasTorch2() {
            if (torch == null) return false;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.").matcher(torch);
            return m.find() && Integer.parseInt(m.group(1)) >= 2;
        }
    }

    /** What discovery found: the interpreters that ran, and a reason for each candidate that did not. */
    public record Discovery(List<Interpreter> found, List<String> problems) {
        /** The interpreter with the newest torch (the first candidate of that version). */
        public Optional<Interpreter> newestTorch() {
            return found.stream().filter(Interpreter::hasTorch).max(Comparator.comparing(i -> versionKey(i.torch())));
        }

        /** One interpreter per distinct torch version, newest first. */
        public List<Interpreter> everyTorch() {
            Map<String, Interpreter> byVersion = new LinkedHashMap<>();
            found.stream().filter(Interpreter::hasTorch).sorted(Comparator.comparing((Interpreter i) -> versionKey(i.torch())).reversed())
                    .forEach(i -> byVersion.putIfAbsent(i.torchVersion(), i));
            return List.copyOf(byVersion.values());
        }

        /** The newest torch's interpreter when it has jax and optax, else the first that has them. */
        public Optional<Interpreter> jax() {
            Optional<Interpreter> torch = newestTorch().filter(Interpreter::hasJax);
            return torch.isPresent() ? torch : found.stream().filter(Interpreter::hasJax).findFirst();
        }

        /** Why there is no interpreter with the module: every candidate and what it said. */
        public String whyNo(String module, String install) {
            List<String> said = new ArrayList<>(problems);
            for (Interpreter i : found) said.add(i.path() + ": " + (i.missing().isEmpty() ? "no " + module : i.missing()));
            return "no Python interpreter imports " + module + " (" + String.join("; ", said) + "); " + install;
        }
    }

    /** The candidates: the explicit one alone, else the environment variable's, the project's venv, python3, /usr/bin/python3. */
    public static List<String> candidates(String explicit) {
        if (explicit != null) return List.of(explicit);
        Set<String> out = new LinkedHashSet<>();
        String env = System.getenv(ENV_VARIABLE);
        if (env != null && !env.isBlank()) out.add(env);
        if (Files.isExecutable(PROJECT_VENV)) out.add(PROJECT_VENV.toString());
        out.add("python3");
        out.add("/usr/bin/python3");
        return List.copyOf(out);
    }

    private static final String PROBE = String.join("\n",
            "import json, os, platform, sys",
            "os.environ.setdefault('JAX_PLATFORMS', 'cpu')",
            "out = {'python': platform.python_version(), 'executable': os.path.realpath(sys.executable)}",
            "for name in ('torch', 'jax', 'optax'):",
            "    try:",
            "        out[name] = __import__(name).__version__",
            "    except Exception as e:",
            "        out[name + '_error'] = (type(e).__name__ + ': ' + str(e)).splitlines()[0][:200]",
            "print('clipbench-probe ' + json.dumps(out))");

    /** Every candidate asked, in order; the same interpreter reached by two names is kept once. */
    public static Discovery discover(String explicit) throws InterruptedException {
        List<Interpreter> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String candidate : candidates(explicit)) {
            Probe p = probe(candidate);
            if (p.interpreter() == null) {
                problems.add(candidate + ": " + p.problem());
            } else if (seen.add(p.realPath())) {
                found.add(p.interpreter());
            }
        }
        return new Discovery(List.copyOf(found), List.copyOf(problems));
    }

    private record Probe(Interpreter interpreter, String realPath, String problem) {
    }

    /** One candidate asked what it imports; a candidate that is missing, is no Python or does not answer in time says so. */
    private static Probe probe(String candidate) throws InterruptedException {
        Process p;
        Path out;
        try {
            out = Files.createTempFile("clipbench-probe", ".txt");
        } catch (IOException e) {
            return new Probe(null, null, "cannot create a temporary file (" + e.getMessage() + ")");
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(candidate, "-c", PROBE).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("JAX_PLATFORMS", "cpu");
            try {
                p = PeerProcess.start(pb);
            } catch (IOException e) {
                return new Probe(null, null, "not found or not executable");
            }
            PeerProcess.Ending end = PeerProcess.waitFor(p, probeSeconds());
            if (end.timedOut()) return new Probe(null, null, "did not answer within " + probeSeconds() + " s (killed)");
            String text = Files.readString(out, StandardCharsets.UTF_8);
            String line = text.lines().filter(l -> l.startsWith("clipbench-probe ")).reduce((a, b) -> b).orElse(null);
            if (line == null) {
                String last = text.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("no output");
                return new Probe(null, null, "not a Python 3 interpreter (exit " + end.exitCode() + ": " + abbreviate(last) + ")");
            }
            JsonNode n = JSON.readTree(line.substring("clipbench-probe ".length()));
            List<String> missing = new ArrayList<>();
            for (String m : List.of("torch", "jax", "optax")) if (n.has(m + "_error")) missing.add(n.get(m + "_error").asText());
            Interpreter i = new Interpreter(candidate, n.path("python").asText(""), text(n, "torch"), text(n, "jax"), text(n, "optax"),
                    String.join("; ", missing));
            return new Probe(i, n.path("executable").asText(candidate), null);
        } catch (IOException e) {
            return new Probe(null, null, "its answer could not be read (" + abbreviate(String.valueOf(e.getMessage())) + ")");
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    /** One line of at most 160 characters. */
    public static String abbreviate(String s) {
        String one = s.replace('\n', ' ').trim();
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    /**
     * --python PATH checked before a run writes anything: it must be an executable file that runs as Python 3.
     * IllegalArgumentException (exit 2) naming the problem and the fix otherwise.
     */
    public static Interpreter requireInterpreter(Path path) throws InterruptedException {
        if (!Files.exists(path)) throw new IllegalArgumentException("--python " + path + ": no such file; give a Python 3 interpreter, e.g. .venv/bin/python");
        if (Files.isDirectory(path) || !Files.isExecutable(path)) {
            throw new IllegalArgumentException("--python " + path + ": not an executable file; give a Python 3 interpreter, e.g. .venv/bin/python");
        }
        Discovery d = discover(path.toString());
        if (d.found().isEmpty()) {
            throw new IllegalArgumentException("--python " + path + ": " + d.problems().get(0).substring(path.toString().length() + 2)
                    + "; give a Python 3 interpreter, e.g. .venv/bin/python");
        }
        return d.found().get(0);
    }

    /** "2.13.0+cpu" as a sortable key: the numeric parts, zero-padded. */
    static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.replaceAll("\\+.*$", "").split("[.]")) {
            String digits = part.replaceAll("[^0-9].*$", "");
            key.append(String.format("%06d.", digits.isEmpty() ? 0 : Integer.parseInt(digits.length() > 6 ? digits.substring(0, 6) : digits)));
        }
        return key.toString();
    }
}
