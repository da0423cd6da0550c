package dev.weir.operator.cli;

import java.util.Arrays;
import picocli.CommandLine;

/** {@code run} and {@code standalone} parsed from options, with what each requires added. */
final class ParsedCommands {
  private ParsedCommands() {}

  static RunCommand run(String... args) {
    RunCommand command = new RunCommand();
    new CommandLine(command)
        .parseArgs(with(new String[] {"--control-tls-dir", "/nonexistent"}, args));
    return command;
  }

  static StandaloneCommand standalone(String... args) {
    StandaloneCommand command = new StandaloneCommand();
    new CommandLine(command).parseArgs(with(new String[] {"--manifests", "."}, args));
    return command;
  }

  private static String[] with(String[] required, String[] args) {
    String[] all = Arrays.copyOf(required, required.length + args.length);
    System.arraycopy(args, 0, all, required.length, args.length);
    return all;
  }
}
