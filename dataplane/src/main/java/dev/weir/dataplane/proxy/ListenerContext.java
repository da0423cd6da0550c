package dev.weir.dataplane.proxy;

import dev.weir.dataplane.metrics.DataplaneMetrics;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import dev.weir.dataplane.routing.CompiledSnapshot;
import java.util.function.Supplier;

/** What every connection of one listener shares. */
public record ListenerContext(
    boolean https,
    DataplaneMetrics metrics,
    Supplier<CompiledSnapshot> snapshot,
    UpstreamPools pools) {}
