package dev.weir.dataplane.proxy;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.http.TrustedProxies;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import dev.weir.dataplane.routing.CompiledSnapshot;
import java.util.function.Supplier;

/**
 * What every connection of one listener shares.
 *
 * @param proxyProtocol whether each connection starts with a PROXY protocol header, whatever the
 *     snapshot says (the data plane's own {@code --proxy-protocol})
 * @param trustedProxies clients whose X-Forwarded-* headers are kept
 * @param accessLog where each request's line goes ({@link AccessLog#OFF}: nowhere)
 */
public record ListenerContext(
    boolean https,
    DataplaneMetrics metrics,
    Supplier<CompiledSnapshot> snapshot,
    UpstreamPools pools,
    boolean proxyProtocol,
    TrustedProxies trustedProxies,
    AccessLog accessLog) {

  /**
   * Whether a connection accepted while {@code settings} are current starts with a PROXY protocol
   * header: the data plane's own option, or the snapshot's (the operator's {@code
   * --proxy-protocol}). Either turns it on; neither can turn the other off, so a data plane started
   * behind a PROXY-speaking balancer never reads the header as HTTP.
   */
  public boolean expectsProxyProtocol(Settings settings) {
    return proxyProtocol || settings.usesProxyProtocol();
  }
}
