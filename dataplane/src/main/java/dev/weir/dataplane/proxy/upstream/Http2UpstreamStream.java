package dev.weir.dataplane.proxy.upstream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * What an HTTP/2 stream to a gRPC pod needs beyond Netty's frame-to-message conversion: the request
 * announces that trailers are taken ({@code te: trailers}, which gRPC requires and which, as a
 * hop-by-hop header, ended at Weir), the stream id the conversion adds to a response stays inside
 * Weir, and a reset from the pod is a failure the exchange hears of with its reason.
 */
final class Http2UpstreamStream extends ChannelDuplexHandler {
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest request) {
      request.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse response) {
      response.headers().remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
    } else if (msg instanceof Http2ResetFrame reset) {
      ctx.fireExceptionCaught(new StreamResetException(reset.errorCode()));
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** The pod reset the stream (RST_STREAM) with an HTTP/2 error code. */
  static final class StreamResetException extends Exception {
    StreamResetException(long errorCode) {
      super("stream reset by the pod, error code " + errorCode, null, false, false);
    }
  }
}
