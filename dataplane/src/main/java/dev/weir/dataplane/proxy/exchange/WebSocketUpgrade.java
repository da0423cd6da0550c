package dev.weir.dataplane.proxy.exchange;

import dev.weir.dataplane.proxy.ByteRelay;
import dev.weir.dataplane.proxy.http.HopByHopHeaders;
import dev.weir.dataplane.proxy.upstream.UpstreamConnection;
import dev.weir.dataplane.proxy.upstream.UpstreamPools;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Turns an HTTP/1.1 client connection and its upstream connection into a byte relay once the
 * backend accepted a WebSocket upgrade (101): from then on both carry WebSocket frames, which Weir
 * relays as bytes. The upstream connection leaves its pool for good.
 *
 * <p>The names below are those of the client pipeline's HTTP handlers that the switch removes;
 * {@code HttpPipelines} adds the handlers under them, so the two cannot drift apart.
 */
public final class WebSocketUpgrade {
  public static final String REQUEST_DECODER = "http-request-decoder";
  public static final String RESPONSE_ENCODER = "http-response-encoder";
  public static final String HEADER_TIMEOUT_BYTES = "request-header-timeout-bytes";
  public static final String HEADER_TIMEOUT_HEADS = "request-header-timeout-heads";
  public static final String VALIDATOR = "validator";
  public static final String EXCHANGE = "exchange";

  /** Added on both connections. */
  static final String RELAY = "relay";

  private WebSocketUpgrade() {}

  /**
   * Writes the 101 {@code response} to the client, then rewires both pipelines. The exchange has
   * detached itself from {@code upstream} already.
   */
  static void relay(Channel client, UpstreamConnection upstream, HttpResponse response) {
    Channel up = upstream.channel;
    HopByHopHeaders.remove(response.headers(), true);
    // The response encoder runs synchronously within write(), so the 101 is bytes before the
    // HTTP handlers are removed below.
    client.writeAndFlush(response);

    ChannelPipeline upstreamPipeline = up.pipeline();
    // The relay goes in first: bytes that came after the 101 pass from the decoder to it.
    upstreamPipeline.addLast(RELAY, new ByteRelay(client));
    upstreamPipeline.remove(UpstreamPools.UPSTREAM_HANDLER);

    ChannelPipeline clientPipeline = client.pipeline();
    clientPipeline.addLast(RELAY, new ByteRelay(up));
    clientPipeline.remove(VALIDATOR);
    clientPipeline.remove(EXCHANGE);
    clientPipeline.remove(RESPONSE_ENCODER);
    clientPipeline.remove(REQUEST_DECODER);
    clientPipeline.remove(HEADER_TIMEOUT_BYTES);
    clientPipeline.remove(HEADER_TIMEOUT_HEADS);
    client.config().setAutoRead(true);
    up.config().setAutoRead(true);
  }
}
