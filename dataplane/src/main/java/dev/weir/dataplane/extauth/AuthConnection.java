package dev.weir.dataplane.extauth;

import dev.weir.dataplane.extauth.AuthClient.Keepalive;
import dev.weir.dataplane.extauth.AuthService.AuthEndpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One connection to an auth service and the sub-request on it: the response's head completes the
 * promise once its body, which nothing uses, has been read and dropped, so the connection can be
 * kept.
 */
final class AuthConnection extends ChannelInboundHandlerAdapter {
  final Channel channel;
  final AuthEndpoint endpoint;
  final Keepalive keepalive;
  private final AuthClient client;
  private Promise<AuthResponse> pending;
  private AuthResponse head;
  private boolean keepAlive;
  private int served;
  private ScheduledFuture<?> timer;

  AuthConnection(AuthClient client, Channel channel, AuthEndpoint endpoint, Keepalive keepalive) {
    this.client = client;
    this.channel = channel;
    this.endpoint = endpoint;
    this.keepalive = keepalive;
  }

  boolean usable() {
    return channel.isActive() && pending == null && served < keepalive.requests();
  }

  void send(FullHttpRequest request, Promise<AuthResponse> promise, long readMillis) {
    cancelTimer();
    pending = promise;
    head = null;
    served++;
    keepAlive = false;
    timer =
        channel
            .eventLoop()
            .schedule(
                () -> fail(new TimeoutException("no response in " + readMillis + " ms")),
                readMillis,
                TimeUnit.MILLISECONDS);
    channel
        .writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                fail(f.cause());
              }
            });
  }

  /** Idle from now: {@code expire} runs unless the connection is used again in time. */
  void idleUntil(Runnable expire) {
    cancelTimer();
    timer =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (pending == null) {
                    expire.run();
                  }
                },
                keepalive.timeoutMillis(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (pending == null) {
        // Nothing was asked: a connection that speaks out of turn cannot be trusted again.
        ctx.close();
        return;
      }
      if (((HttpObject) msg).decoderResult().isFailure()) {
        fail(((HttpObject) msg).decoderResult().cause());
        return;
      }
      if (msg instanceof HttpResponse response) {
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          return;
        }
        keepAlive = keepalive.connections() > 0 && HttpUtil.isKeepAlive(response);
        head =
            new AuthResponse(
                response.status().code(), new DefaultHttpHeaders().add(response.headers()));
      }
      if (msg instanceof LastHttpContent && head != null) {
        // Answered only once the response is whole, as nginx's auth_request waits for its
        // sub-request: the connection is then back in its pool for the next request.
        cancelTimer();
        Promise<AuthResponse> p = pending;
        AuthResponse answered = head;
        pending = null;
        head = null;
        if (keepAlive && served < keepalive.requests()) {
          client.release(this);
        } else {
          ctx.close();
        }
        p.trySuccess(answered);
      } else if (msg instanceof HttpContent && head == null) {
        fail(new IOException("response body before its head"));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(new IOException("auth service closed the connection before responding"));
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
  }

  private void fail(Throwable cause) {
    cancelTimer();
    Promise<AuthResponse> p = pending;
    pending = null;
    if (p != null) {
      p.tryFailure(cause);
    }
    channel.close();
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
