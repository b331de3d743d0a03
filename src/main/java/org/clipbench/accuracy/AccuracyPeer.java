package org.clipbench.accuracy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.clipbench.io.AtomicFiles;
import org.clipbench.peer.PeerProcess;
import org.clipbench.peer.PythonPeers;

/**
 * One peer library (PyTorch of one version, or JAX) answering the accuracy run's requests in one long-lived Python
 * process ({@code peers/accuracy_peer.py}): a JSON header, then the gradient's storage bytes, then one answer line.
 * Every request has a deadline; a peer past it is killed with its process tree (which also ends a write blocked on
 * its full pipe) and the request fails with the reason; the next request starts a new process. After
 * {@link #MAX_FAILURES} failures in a row the peer is given up for the rest of the run.
 */
final class AccuracyPeer implements AutoCloseable {
    static final String PREFIX = "clipbench-accuracy ";
    static final int MAX_FAILURES = 3;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** A request that failed: why, in one line. */
    static final class Failure extends Exception {
        Failure(String why) {
            super(why);
        }
    }

    private final String library;
    private final PythonPeers.Interpreter interpreter;
    private final Path script;
    private final Path log;
    private final PrintStream out;
    private Process process;
    private LinkedBlockingQueue<String> answers;
    private String label;
    private int failuresInARow;
    private String gaveUp;

    AccuracyPeer(String library, PythonPeers.Interpreter interpreter, Path work, PrintStream out) throws IOException {
        this.library = library;
        this.interpreter = interpreter;
        this.out = out;
        this.script = work.resolve("accuracy_peer.py");
        try (InputStream in = AccuracyPeer.class.getResourceAsStream("/peers/accuracy_peer.py")) {
            AtomicFiles.write(script, in.readAllBytes());
        }
        String version = library.equals("jax") ? interpreter.jax() : interpreter.torchVersion();
        this.label = library + " " + version;
        this.log = work.resolve("accuracy-" + library + "-" + version + ".log");
    }

    /** "pytorch 2.13.0", "jax 0.10.2": the implementation's name in the tables. */
    String label() {
        return label;
    }

    /** Why the peer was given up, or null while it is still asked. */
    String gaveUp() {
        return gaveUp;
    }

    /** Seconds the interpreter may take to start and import its library. */
    static long startSeconds() {
        return Long.getLong("clipbench.peerStartSeconds", 300);
    }

    private void start() throws Failure {
        ProcessBuilder pb = new ProcessBuilder(interpreter.path(), script.toString(), library)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // one thread: an accuracy is a property of the summation the library runs on one thread
        pb.environment().putAll(Map.of("OMP_NUM_THREADS", "1", "JAX_PLATFORMS", "cpu", "XLA_FLAGS", org.clipbench.peer.JaxPeer.xlaFlags("1")));
        try {
            process = PeerProcess.start(pb);
        } catch (IOException e) {
            throw new Failure(e.getMessage());
        }
        answers = new LinkedBlockingQueue<>();
        Process p = process;
        LinkedBlockingQueue<String> queue = answers;
        Thread reader = new Thread(() -> readAnswers(p, queue), "accuracy-peer-" + library);
        reader.setDaemon(true);
        reader.start();
        JsonNode hello = await(startSeconds(), "start and import " + library);
        if (!hello.path("ready").asBoolean(false)) throw new Failure("its first line was not its greeting");
        String version = hello.path("version").asText("");
        if (!version.isEmpty()) label = library + " " + version;
    }

    /** Answer lines to the queue, every other line of stdout to the log; an end of stream as "" (the process ended). */
    private void readAnswers(Process p, LinkedBlockingQueue<String> queue) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(PREFIX)) queue.add(line.substring(PREFIX.length()));
                else Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException ignored) {
            // the process was killed: the end below tells the waiting request
        }
        queue.add("");
    }

    private JsonNode await(long seconds, String what) throws Failure {
        String line;
        try {
            line = answers.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
        if (line == null) {
            kill();
            throw new Failure("did not " + what + " within " + seconds + " s: killed with its process tree");
        }
        if (line.isEmpty()) {
            String exit = process.isAlive() ? "" : " (exit " + process.exitValue() + ")";
            process = null;
            throw new Failure("ended without answering" + exit + "; see " + log.getFileName());
        }
        try {
            JsonNode n = JSON.readTree(line);
            if (n == null || !n.isObject()) throw new Failure("answered something that is not a JSON object");
            return n;
        } catch (IOException e) {
            kill();
            throw new Failure("answered invalid JSON (" + PythonPeers.abbreviate(String.valueOf(e.getMessage())) + ")");
        }
    }

    /** What writes a request's data to the peer's stdin (nothing for requests without data). */
    @FunctionalInterface
    interface Payload {
        void writeTo(OutputStream stdin) throws IOException;
    }

    /**
     * One request: the header, its data, and the answer within seconds. A kill at the deadline also ends a write that
     * blocks because the peer stopped reading.
     */
    JsonNode ask(Map<String, Object> header, Payload data, long seconds) throws Failure {
        if (gaveUp != null) throw new Failure("given up earlier: " + gaveUp);
        try {
            if (process == null || !process.isAlive()) start();
            Process p = process;
            java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "accuracy-peer-deadline");
                t.setDaemon(true);
                return t;
            });
            java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
            timer.schedule(() -> {
                killed.set(true);
                PeerProcess.killTree(p.toHandle());
            }, seconds, TimeUnit.SECONDS);
            try {
                OutputStream stdin = p.getOutputStream();
                stdin.write((JSON.writeValueAsString(header) + "\n").getBytes(StandardCharsets.UTF_8));
                if (data != null) data.writeTo(stdin);
                stdin.flush();
            } catch (IOException e) {
                // a peer that exits closes its stdin first: give it a moment to end before calling it alive
                boolean alive = !waitQuietly(p, 500);
                kill();
                if (killed.get()) throw new Failure("did not read its request within " + seconds + " s: killed with its process tree");
                throw new Failure(alive ? "stopped reading its request (" + e.getMessage() + ")"
                        : "ended without answering (exit " + p.exitValue() + ") while its request was written; see " + log.getFileName());
            } finally {
                // the answer's own wait below has the deadline; the kill timer covers the write only
                timer.shutdownNow();
            }
            JsonNode answer = await(seconds, "answer " + header.get("kind") + " " + header.getOrDefault("dtype", "") + " n=" + header.getOrDefault("n", ""));
            failuresInARow = 0;
            return answer;
        } catch (Failure f) {
            if (++failuresInARow >= MAX_FAILURES) {
                gaveUp = MAX_FAILURES + " requests in a row failed, the last: " + f.getMessage();
                out.println(label + ": given up (" + gaveUp + ")");
            }
            throw f;
        }
    }

    private void kill() {
        if (process != null) PeerProcess.killTree(process.toHandle());
        process = null;
    }

    @Override
    public void close() {
        if (process == null) return;
        try {
            process.getOutputStream().write("{\"kind\": \"exit\"}\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
        } catch (IOException e) {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    /** True when the process ended within millis. */
    private static boolean waitQuietly(Process p, long millis) {
        try {
            return p.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }
}
