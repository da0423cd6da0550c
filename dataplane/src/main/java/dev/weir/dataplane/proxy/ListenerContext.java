package dev.weir.dataplane.proxy;

import dev.weir.dataplane.accesslog.AccessLog;
import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.http.TrustedProxies;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import dev.weir.dataplane.routing.CompiledSnapshot;
import java.util.function.Supplier;

/**
 * What every connection of one listener shares.
 *
 * @param proxyProtocol whether each connection starts with a PROXY protocol header
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
    AccessLog accessLog) {}
