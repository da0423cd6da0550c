package dev.weir.dataplane.proxy.listener;

import dev.weir.contract.snapshot.Settings;
import dev.weir.dataplane.proxy.Drainable;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.exchange.ExchangeHandler;
import dev.weir.dataplane.proxy.exchange.Http2ClientConnection;
import dev.weir.dataplane.proxy.exchange.WebSocketUpgrade;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.http.Http2HeaderBlockTimeout;
import dev.weir.dataplane.proxy.http.RequestHeaderTimeout;
import dev.weir.dataplane.proxy.http.RequestValidator;
import dev.weir.dataplane.proxy.http.StrictHttpRequestDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol part of a client connection's pipeline, after TCP (and TLS, if any):
 *
 * <pre>
 * HTTP/1.1:  flush consolidation → header timer (bytes) → request decoder → response encoder
 *            → header timer (heads) → flow control → validator → exchange
 * HTTP/2:    flush consolidation → header block timer (bytes) → HTTP/2 connection
 *            (frames, streams, validation, exchanges)
 * </pre>
 *
 * <p>An HTTP/2 connection is idle when it has had no stream for the idle time, whatever other
 * frames it carries; see {@link ClientConnections#countStreamsOnly}.
 *
 * <p>An HTTP/2 connection has no channel or pipeline per stream: {@link Http2ClientConnection}
 * keeps each stream's state, validates and converts its frames, and runs its exchange. Both
 * protocols' exchanges see HttpObjects, through their client side ({@link ExchangeHandler} for
 * HTTP/1.1, a stream of {@link Http2ClientConnection} for HTTP/2).
 */
public final class HttpPipelines {
  private static final Logger log = LoggerFactory.getLogger(HttpPipelines.class);
  static final String FLUSH_CONSOLIDATION = "flush-consolidation";
  private static final int MAX_CONCURRENT_STREAMS = 256;
  // After this many consolidated flushes the socket is written without waiting any longer.
  private static final int MAX_CONSOLIDATED_FLUSHES = 64;

  private HttpPipelines() {}

  static void configureHttp1(Channel ch, ListenerContext listener) {
    Settings settings = listener.snapshot().get().snapshot().settings();
    // The exchange handler asks for each message itself; see ExchangeHandler.
    ch.config().setAutoRead(false);
    ChannelPipeline p = ch.pipeline();
    p.addLast(FLUSH_CONSOLIDATION, newFlushConsolidation());
    RequestHeaderTimeout headerTimeout =
        new RequestHeaderTimeout(settings.requestHeaderMillis(), listener.metrics());
    p.addLast(WebSocketUpgrade.HEADER_TIMEOUT_BYTES, headerTimeout.bytes());
    p.addLast(
        WebSocketUpgrade.REQUEST_DECODER,
        new StrictHttpRequestDecoder(settings.maxRequestLineBytes(), settings.maxHeaderBytes()));
    p.addLast(WebSocketUpgrade.RESPONSE_ENCODER, new HttpResponseEncoder());
    p.addLast(WebSocketUpgrade.HEADER_TIMEOUT_HEADS, headerTimeout.heads());
    p.addLast("flow-control", new FlowControlHandler());
    p.addLast(WebSocketUpgrade.VALIDATOR, new RequestValidator(false, listener.metrics()));
    p.addLast(WebSocketUpgrade.EXCHANGE, new ExchangeHandler(listener));
  }

  /**
   * Sits right above TLS (or TCP): a response head and body, or the frames of many HTTP/2 streams,
   * each flushed on its own, become one TLS record and one write() when they are produced in the
   * same event-loop turn. Flushes made while this connection reads wait for the end of the read;
   * the others (a response relayed while an upstream connection reads) for the end of the current
   * turn.
   */
  private static FlushConsolidationHandler newFlushConsolidation() {
    return new FlushConsolidationHandler(MAX_CONSOLIDATED_FLUSHES, true);
  }

  static void configureHttp2(Channel ch, ListenerContext listener, Duration drainTimeout) {
    Settings settings = listener.snapshot().get().snapshot().settings();
    Http2ClientConnection connection =
        Http2ClientConnection.create(
            listener,
            Http2Settings.defaultSettings()
                .maxHeaderListSize(settings.maxHeaderBytes())
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS),
            // Closing the connection sends GOAWAY and lets open streams finish for this long.
            drainTimeout.toMillis(),
            () -> ClientConnections.streamActivity(ch));
    ch.pipeline().addLast(FLUSH_CONSOLIDATION, newFlushConsolidation());
    ch.pipeline()
        .addLast("h2-header-timeout", new Http2HeaderBlockTimeout(settings.requestHeaderMillis()));
    ch.pipeline().addLast("h2-connection", connection);
    ClientConnections.countStreamsOnly(ch);
    // The connection handler answers an HTTP/2 error of the connection itself (GOAWAY, then close:
    // a client's protocol error, a header block timeout); any other error reaches the end of the
    // pipeline, where Netty would log it with a warning and a stack trace, as often as any client
    // likes. Closing here on an HTTP/2 error would cut the GOAWAY short; any other one closes.
    ch.pipeline()
        .addLast(
            "h2-errors",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                log.debug(
                    "event=h2_connection_error client={} error={}",
                    ClientAddress.of(ctx.channel()),
                    cause.toString());
                if (!(cause instanceof Http2Exception)) {
                  ctx.close();
                }
              }
            });
    ch.attr(Drainable.KEY)
        .set(
            new Drainable() {
              @Override
              public void drain() {
                ch.close();
              }

              @Override
              public void idle() {
                if (connection.activeStreams() == 0) {
                  ch.close();
                }
              }
            });
  }
}
