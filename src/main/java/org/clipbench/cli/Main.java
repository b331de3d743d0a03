package org.clipbench.cli;

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
                NormsCommand.class})
public final class Main implements Runnable {

    static final Set<String> COMMANDS = Set.of("bench", "sweep", "reproduce", "compare", "report", "strategies", "backends", "norms", "help",
            "--help", "-h", "--version", "-V");

    /** The command line as typed, recorded in environment.json (run-bench.sh sets it to its own line). */
    static final String COMMAND_PROPERTY = "clipbench.command";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            if (System.getProperty(COMMAND_PROPERTY) == null) System.setProperty(COMMAND_PROPERTY, String.join(" ", args));
            System.exit(commandLine().execute(args));
        }
        org.openjdk.jmh.Main.main(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof org.clipbench.analysis.JmhResults.BadInputException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
