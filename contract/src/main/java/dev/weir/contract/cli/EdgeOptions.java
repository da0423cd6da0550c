package dev.weir.contract.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@link Edge} as every command that runs a data plane takes it (a picocli mixin). */
public final class EdgeOptions {
  @Option(
      names = "--proxy-protocol",
      description =
          "Expect a PROXY protocol header (v1 or v2, as AWS NLB, GCP, Azure and HAProxy send) "
              + "at the start of every connection on both listeners, and take the client's "
              + "address from it. A connection without a valid header is closed (after at most "
              + "10s). Off by default.")
  boolean proxyProtocol;

  @Option(
      names = "--forwarded-headers-trusted-from",
      split = ",",
      paramLabel = "CIDR",
      description =
          "Proxies in front of Weir whose X-Forwarded-For (appended to), X-Forwarded-Proto, "
              + "-Host and -Port are kept, e.g. 10.0.0.0/8,fd00::/8; the client is then the first "
              + "address from the right of X-Forwarded-For not in these ranges (nginx's "
              + "real_ip_recursive), for X-Real-IP and the access log. Anyone else's are "
              + "replaced. Default: none.")
  List<String> forwardedHeadersTrustedFrom = new ArrayList<>();

  @Option(
      names = "--access-log",
      defaultValue = "json",
      paramLabel = "FORMAT",
      converter = AccessLogFormat.Converter.class,
      description =
          "One line per request on standard output: json, text (key=value) or off. "
              + "Default: ${DEFAULT-VALUE}.")
  AccessLogFormat accessLog;

  public Edge edge() {
    return new Edge(proxyProtocol, forwardedHeadersTrustedFrom, accessLog);
  }
}
