package dev.weir.contract.cli;

import picocli.CommandLine.Option;

/** The data plane's three ports, as every command that runs one takes them (a picocli mixin). */
public final class ListenerPorts {
  @Option(
      names = "--http-port",
      defaultValue = "8080",
      paramLabel = "PORT",
      description = "Plain HTTP listener (-1: off). Default: ${DEFAULT-VALUE}.")
  public int http;

  @Option(
      names = "--https-port",
      defaultValue = "8443",
      paramLabel = "PORT",
      description = "HTTPS listener, HTTP/1.1 and HTTP/2 (-1: off). Default: ${DEFAULT-VALUE}.")
  public int https;

  @Option(
      names = "--admin-port",
      defaultValue = "9090",
      paramLabel = "PORT",
      description =
          "/healthz, /readyz and /metrics of the data plane (-1: off). "
              + "Default: ${DEFAULT-VALUE}.")
  public int admin;
}
