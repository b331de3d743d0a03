package org.clipbench.report;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs an analysis script (.jsh) in this JVM with the JShell API, as jshell would run it: snippet by
 * snippet, jshell commands (lines starting with '/') left out. The first snippet that does not compile
 * or throws ends the script, named with its line.
 */
final class ScriptRunner {
    private ScriptRunner() {
    }

    /** Runs the script's source; null when it ran through, else the one-line problem. */
    static String run(String name, String source) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (JShell shell = JShell.builder().executionEngine("local").out(out).err(out).build()) {
            for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
                if (!entry.isBlank()) shell.addToClasspath(entry);
            }
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            String remaining = withoutCommands(source);
            int line = 1;
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break; // only comments left
                if (!info.completeness().isComplete()) return name + ": line " + line + ": an incomplete statement at the end of the script";
                String snippet = info.source();
                int at = line + leadingLines(remaining);
                for (SnippetEvent e : shell.eval(snippet)) {
                    String problem = problemOf(shell, e);
                    if (problem != null) return name + ": line " + at + ": " + problem;
                }
                line += countLines(remaining.substring(0, remaining.length() - info.remaining().length()));
                remaining = info.remaining();
            }
            return null;
        } catch (RuntimeException e) {
            return name + ": could not be run (" + e + ")";
        }
    }

    static String run(Path script) throws IOException {
        return run(script.getFileName().toString(), Files.readString(script));
    }

    private static String problemOf(JShell shell, SnippetEvent e) {
        if (e.exception() != null) {
            Throwable t = e.exception();
            String type = t instanceof jdk.jshell.EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            return "threw " + type.substring(type.lastIndexOf('.') + 1) + ": " + firstLine(t.getMessage());
        }
        if (e.status() == Snippet.Status.REJECTED) {
            List<String> messages = new ArrayList<>();
            shell.diagnostics(e.snippet()).filter(Diag::isError).forEach(d -> messages.add(firstLine(d.getMessage(null))));
            return "does not compile: " + String.join("; ", messages);
        }
        return null;
    }

    /** jshell commands (/exit, /open ...) are not Java; each becomes an empty line, so line numbers stay. Comments (//, /*) are Java. */
    static String withoutCommands(String source) {
        StringBuilder sb = new StringBuilder();
        for (String l : source.split("\n", -1)) sb.append(l.stripLeading().matches("/[A-Za-z!?\\-].*") ? "" : l).append('\n');
        return sb.toString();
    }

    private static int leadingLines(String s) {
        int n = 0;
        for (int i = 0; i < s.length() && Character.isWhitespace(s.charAt(i)); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    private static int countLines(String s) {
        return (int) s.chars().filter(c -> c == '\n').count();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
