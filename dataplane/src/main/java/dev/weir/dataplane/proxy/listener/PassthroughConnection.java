package dev.weir.dataplane.proxy.listener;

import dev.weir.contract.snapshot.Endpoint;
import dev.weir.dataplane.proxy.ByteRelay;
import dev.weir.dataplane.proxy.Drainable;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.LogLimiter;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.upstream.EndpointKey;
import dev.weir.dataplane.routing.CompiledBackend;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.util.ReferenceCountUtil;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS connection for a passthrough host, from its ClientHello until it is relayed: connects to an
 * endpoint of the host's backend (the backend's selector, asked once per connection, so connections
 * are balanced and requests inside them are not), sends the ClientHello bytes and whatever followed
 * them, then gives way to a {@link ByteRelay} on both connections (backpressure both ways). Nothing
 * is read from the client meanwhile. A connect failure tries another endpoint, up to the backend's
 * {@code connectRetries}, since nothing has reached an endpoint yet; when none connects, the client
 * connection is closed: there is no HTTP to answer in. Connects that fail and succeed are reported
 * to the backend's outlier detection, which the selector consults, so an endpoint that refuses
 * connections is soon passed over without being dialled.
 *
 * <p>At shutdown a relayed connection is left to finish until the drain timeout (there is no
 * request boundary to stop at); idle ones close after the client idle time, as any connection.
 */
final class PassthroughConnection extends ChannelInboundHandlerAdapter {
  static final String NAME = "passthrough";
  private static final String WIRED = "passthrough-relay";
  private static final Logger log = LoggerFactory.getLogger(PassthroughConnection.class);

  private final ListenerContext listener;
  private final CompiledBackend backend;
  // The ClientHello, and anything the client sent before the endpoint connected.
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(2);
  private Set<Endpoint> tried = Set.of();
  private int attempts;

  PassthroughConnection(ListenerContext listener, CompiledBackend backend) {
    this.listener = listener;
    this.backend = backend;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel client = ctx.channel();
    client.config().setAutoRead(false);
    client
        .attr(Drainable.KEY)
        .set(
            new Drainable() {
              @Override
              public void drain() {
                // Bytes of a TLS stream have no boundary to stop at: it runs until it ends or
                // the drain timeout closes it.
              }

              @Override
              public void idle() {
                client.close();
              }
            });
    connect(ctx);
  }

  private void connect(ChannelHandlerContext ctx) {
    Endpoint endpoint = backend.selector().select(EmptyHttpHeaders.INSTANCE, tried);
    if (endpoint == null) {
      fail(ctx, null, "no_endpoints", null);
      return;
    }
    Set<Endpoint> more = new HashSet<>(tried);
    more.add(endpoint);
    tried = more;
    attempts++;
    Channel client = ctx.channel();
    ChannelFuture connect;
    try {
      connect =
          listener
              .pools()
              .connectUnpooled(
                  client.eventLoop(),
                  endpoint,
                  backend.timeouts().connectMillis(),
                  new ByteRelay(client));
    } catch (UnknownHostException e) {
      backend.endpoints().failed(endpoint);
      fail(ctx, endpoint, "connect", e);
      return;
    }
    connect.addListener((ChannelFuture f) -> connected(ctx, endpoint, f));
  }

  private void connected(ChannelHandlerContext ctx, Endpoint endpoint, ChannelFuture f) {
    Channel client = ctx.channel();
    if (!f.isSuccess()) {
      // A refused or timed-out connect is the endpoint's failure whatever the client did, as for
      // proxied requests: outlier detection steers the next connections around it.
      backend.endpoints().failed(endpoint);
      if (client.isActive() && attempts <= backend.connectRetries()) {
        logFailure("connect", endpoint, f.cause(), ctx);
        connect(ctx);
      } else {
        fail(ctx, endpoint, "connect", f.cause());
      }
      return;
    }
    backend.endpoints().succeeded(endpoint);
    Channel upstream = f.channel();
    if (!client.isActive()) {
      upstream.close();
      return;
    }
    listener.metrics().passthroughConnection(backend.id(), true);
    while (!pending.isEmpty()) {
      upstream.write(pending.poll());
    }
    upstream.flush();
    ctx.pipeline().replace(this, WIRED, new ByteRelay(upstream));
    upstream.config().setAutoRead(true);
    client.config().setAutoRead(true);
  }

  private void fail(ChannelHandlerContext ctx, Endpoint endpoint, String reason, Throwable cause) {
    logFailure(reason, endpoint, cause, ctx);
    listener.metrics().passthroughConnection(backend.id(), false);
    ctx.close();
  }

  private void logFailure(
      String reason, Endpoint endpoint, Throwable cause, ChannelHandlerContext ctx) {
    listener.metrics().upstreamFailure(backend.id(), reason);
    long suppressed = LogLimiter.FAILURES.admit("passthrough " + reason + " " + backend.id());
    if (suppressed == LogLimiter.SUPPRESS) {
      return;
    }
    log.warn(
        "event=passthrough_failure reason={} backend={} endpoint={} attempt={} client={} error={}"
            + " suppressed={}",
        reason,
        backend.id(),
        endpoint == null ? null : EndpointKey.of(endpoint),
        attempts,
        ClientAddress.of(ctx.channel()),
        cause == null ? "-" : cause.getClass().getSimpleName(),
        suppressed);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      pending.add(bytes);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // The SNI completion event of the handler this one replaced: nothing after this wants it.
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    while (!pending.isEmpty()) {
      pending.poll().release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
