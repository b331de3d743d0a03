package org.clipbench.cli;

import org.clipbench.strategy.Strategies;
import picocli.CommandLine.Command;

@Command(name = "strategies", mixinStandardHelpOptions = true,
        description = "List the clipping strategies with their parameters and defaults (spec syntax: name:key=value,...).")
final class StrategiesCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(Strategies.help());
    }
}
