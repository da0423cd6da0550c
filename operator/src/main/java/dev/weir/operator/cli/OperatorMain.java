package dev.weir.operator.cli;

import dev.weir.contract.cli.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar weir-operator.jar}: the operator's commands. */
@Command(
    name = "weir-operator",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.VersionProvider.class,
    description = "Weir's operator: watches Ingresses and serves routing snapshots to data planes.",
    subcommands = {RunCommand.class, StandaloneCommand.class, AuditCommand.class})
public final class OperatorMain implements Runnable {
  public static void main(String[] args) {
    int exit = new CommandLine(new OperatorMain()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
