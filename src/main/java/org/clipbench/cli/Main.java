package org.clipbench.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of target/benchmarks.jar. With a ClipBench command as the first argument it runs that
 * command; otherwise it is JMH's own main (so "java -jar benchmarks.jar -l" or "... ClipBenchmark -p
 * backend=vector" work as with any JMH jar).
 */
@Command(name = "clipbench", mixinStandardHelpOptions = true, version = "ClipBench 0.1.0",
        description = "Gradient clipping benchmark suite. Without a command, runs JMH with the given JMH options.",
        subcommands = {BenchCommand.class, SweepCommand.class, ReproduceCommand.class, CompareCommand.class, ReportCommand.class, StrategiesCommand.class, BackendsCommand.class,
                NormsCommand.class, DocsCommand.class, PrivacyCommand.class, HistoryCommand.class, SlurmCommand.class, AbCommand.class,
                GatePowerCommand.class})
public final class Main implements Runnable {

    /** The words that select a picocli command (the subcommands above, read from the annotation) or its help. */
    static final Set<String> COMMANDS = commandWords();

    private static Set<String> commandWords() {
        Set<String> words = new java.util.TreeSet<>(List.of("help", "--help", "-h", "--version", "-V"));
        for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) words.add(c.getAnnotation(Command.class).name());
        return Set.copyOf(words);
    }

    /** The command line as typed, recorded in environment.json (run-bench.sh sets it to its own line). */
    static final String COMMAND_PROPERTY = org.clipbench.io.Environment.COMMAND_PROPERTY;

    public static void main(String[] args) throws Exception {
        boolean help = args.length > 0 && (HELP.contains(args[0]) || List.of(args).contains("--help"));
        String noVector = args.length > 0 && COMMANDS.contains(args[0]) && !help ? vectorApiMissing() : null;
        if (noVector != null) {
            System.err.println("error: " + noVector);
            System.exit(2);
        }
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            if (System.getProperty(COMMAND_PROPERTY) == null) System.setProperty(COMMAND_PROPERTY, String.join(" ", args));
            System.exit(commandLine().execute(args));
        }
        String wrong = rootError(args);
        if (wrong != null) {
            System.err.println("error: " + wrong);
            System.exit(2);
        }
        org.openjdk.jmh.Main.main(args); // anything else is JMH's own command line (options, benchmark regexes)
    }

    /** The words that ask for help or the version: they work without the Vector API. */
    static final Set<String> HELP = Set.of("help", "--help", "-h", "--version", "-V");

    /**
     * Why this JVM cannot run ClipBench's kernels, or null when it can: the Vector API is an incubator module that the JVM
     * loads only when asked (--add-modules=jdk.incubator.vector). A jar's manifest can open and export packages but not add
     * a module, so "java -jar target/benchmarks.jar bench" failed deep inside with NoClassDefFoundError:
     * jdk/incubator/vector/Vector and a stack trace; it is said here, first, in one line.
     */
    static String vectorApiMissing() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return null;
        return "the Vector API (module jdk.incubator.vector) is not loaded: run with java --add-modules=jdk.incubator.vector -jar "
                + "target/benchmarks.jar ... (./run-bench.sh adds it)";
    }

    /**
     * Why the first word is neither a command nor JMH's (null when it may be JMH's): a typo of a command, or a
     * double-dash option (JMH's take one dash; such a word went to JMH, which failed with exit 1).
     */
    static String rootError(String[] args) {
        if (args.length == 0 || COMMANDS.contains(args[0])) return null;
        String commands = String.join(", ", new java.util.TreeSet<>(COMMANDS.stream().filter(c -> !c.startsWith("-")).toList()));
        if (args[0].startsWith("--")) return "unknown option '" + args[0] + "': start with a command (" + commands + "), or --help";
        String near = nearestCommand(args[0]);
        return near == null ? null : "unknown command '" + args[0] + "'; did you mean '" + near + "'? (commands: " + commands + ")";
    }

    /** A command one or two edits away from the word (a typo), or null: a JMH benchmark regex is passed on. */
    static String nearestCommand(String word) {
        if (word.startsWith("-")) return null;
        for (String c : COMMANDS) {
            if (!c.startsWith("-") && org.apache.commons.lang3.StringUtils.getLevenshteinDistance(word, c) <= 2) {
                return c;
            }
        }
        return null;
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("error: " + oneLine(ex));
            if (Boolean.getBoolean(TRACE_PROPERTY)) ex.printStackTrace(cmd.getErr());
            return isBadInput(ex) ? 2 : 3;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl;
    }

    /** -Dclipbench.trace=true prints the stack trace behind an error line. */
    static final String TRACE_PROPERTY = "clipbench.trace";

    /** Bad input and IO problems are the user's to fix (exit 2); anything else is a bug of ours (exit 3). */
    static boolean isBadInput(Throwable ex) {
        return ex instanceof IllegalArgumentException || ex instanceof org.clipbench.analysis.JmhResults.BadInputException
                || ex instanceof org.clipbench.backend.UnsupportedCombinationException // e.g. nd4j without its OMP_NUM_THREADS: the environment's to fix
                || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException;
    }

    /** The error as one line: what failed on which file, and for a bug, that it is one. */
    static String oneLine(Throwable ex) {
        Throwable io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
        String line;
        if (io instanceof java.nio.file.AccessDeniedException e) {
            line = e.getFile() + ": permission denied; choose a folder you can write to";
        } else if (io instanceof java.nio.file.NoSuchFileException e) {
            line = e.getFile() + ": no such file or folder (is its parent folder there?)";
        } else if (io instanceof java.nio.file.FileAlreadyExistsException e) {
            line = e.getFile() + ": a file is in the way where a folder is needed; choose another path";
        } else if (io instanceof java.nio.file.NotDirectoryException e) {
            line = e.getFile() + ": is a file, not a folder; choose a folder";
        } else if (io instanceof java.nio.file.FileSystemException e && "Not a directory".equals(e.getReason())) {
            line = e.getFile() + ": a file is in the way on this path where a folder is needed; choose another path";
        } else if (io instanceof java.nio.file.FileSystemException e && isDiskFull(e.getReason())) {
            line = e.getFile() + ": " + e.getReason() + "; free space there (or choose another folder) and run again with --resume: "
                    + "what finished is kept";
        } else if (io instanceof java.nio.file.FileSystemException e) {
            line = e.getFile() + ": " + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
        } else if (io instanceof com.fasterxml.jackson.core.JsonProcessingException e) {
            // a JSON input no reader above named: its source, where Jackson knows it, and the problem
            Object source = e.getLocation() == null ? null : e.getLocation().contentReference().getRawContent();
            line = (source instanceof java.io.File f ? f + ": " : "a JSON input: ") + "not valid JSON: " + org.clipbench.io.StrictJson.problem(e);
        } else if (io instanceof java.io.IOException e && isDiskFull(e.getMessage())) {
            line = e.getMessage() + "; free space on the results folder's disk and run again with --resume: what finished is kept";
        } else if (isBadInput(io)) {
            line = String.valueOf(io.getMessage());
        } else {
            line = "internal error (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + "); this is a bug in ClipBench: "
                    + "please report it with the command line (rerun with -D" + TRACE_PROPERTY + "=true for the stack trace)";
        }
        return line.replace('\n', ' ');
    }

    /** ENOSPC and EDQUOT as the JDK words them. */
    static boolean isDiskFull(String reason) {
        return reason != null && (reason.contains("No space left on device") || reason.contains("Disk quota exceeded"));
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
