package dev.weir.dataplane.proxy.exchange;

import dev.weir.dataplane.proxy.Deadline;
import dev.weir.dataplane.proxy.ListenerContext;
import dev.weir.dataplane.proxy.http.ClientAddress;
import dev.weir.dataplane.proxy.http.Http2RequestValidator;
import dev.weir.dataplane.proxy.http.RequestValidator;
import dev.weir.dataplane.proxy.policy.LocalResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/2 client connection: Netty's connection handler (frames, HPACK, flow control, stream
 * states, GOAWAY) with the streams handled right here, without a channel and pipeline per stream.
 * Each stream's HEADERS are checked ({@link Http2RequestValidator}, then {@link RequestValidator}),
 * converted into the request head an {@link Exchange} starts with, and its DATA frames are queued
 * for the exchange, which takes them one at a time ({@link ClientSide#readNext}) as HttpContent.
 *
 * <p>Flow control: the bytes of a DATA frame are given back to the client (WINDOW_UPDATE) only when
 * the exchange takes the frame, so a stream's queue holds at most its window, and a backend that
 * reads slowly slows the client's upload. The response is written through the stream's remote flow
 * control; the exchange stops reading its upstream while the stream is not writable (its window or
 * the connection's outbound buffer full) and resumes when it is again.
 *
 * <p>A refused stream is reset (malformed: PROTOCOL_ERROR, or the error Netty found), or answered
 * (400, 405) and closed; a stream closed before it ended is reset with CANCEL, as a stream channel
 * closing would.
 */
public final class Http2ClientConnection extends Http2ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(Http2ClientConnection.class);

  private final ListenerContext listener;
  private final Runnable streamActivity;
  private final Http2Connection.PropertyKey streamKey;
  private ChannelHandlerContext ctx;

  private Http2ClientConnection(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings initialSettings,
      ListenerContext listener,
      Runnable streamActivity) {
    super(decoder, encoder, initialSettings);
    this.listener = listener;
    this.streamActivity = streamActivity;
    streamKey = connection().newKey();
    decoder.frameListener(new Frames());
    connection().addListener(new StreamStates());
    connection()
        .remote()
        .flowController()
        .listener(
            stream -> {
              ClientStream s = stream.getProperty(streamKey);
              if (s != null) {
                s.writabilityChanged();
              }
            });
  }

  /**
   * @param streamActivity runs when a stream starts or ends (the connection's idle clock)
   * @param drainMillis how long open streams may finish after GOAWAY when the connection closes
   */
  public static Http2ClientConnection create(
      ListenerContext listener,
      Http2Settings initialSettings,
      long drainMillis,
      Runnable streamActivity) {
    return new Builder(listener, initialSettings, drainMillis, streamActivity).build();
  }

  private static final class Builder
      extends AbstractHttp2ConnectionHandlerBuilder<Http2ClientConnection, Builder> {
    private final ListenerContext listener;
    private final Runnable streamActivity;

    Builder(
        ListenerContext listener,
        Http2Settings initialSettings,
        long drainMillis,
        Runnable streamActivity) {
      this.listener = listener;
      this.streamActivity = streamActivity;
      server(true);
      initialSettings(initialSettings);
      validateHeaders(true);
      gracefulShutdownTimeoutMillis(drainMillis);
    }

    @Override
    protected Http2ClientConnection build() {
      return super.build();
    }

    @Override
    protected Http2ClientConnection build(
        Http2ConnectionDecoder decoder,
        Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      return new Http2ClientConnection(decoder, encoder, initialSettings, listener, streamActivity);
    }
  }

  /** The number of streams open now. */
  public int activeStreams() {
    return connection().numActiveStreams();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
  }

  @Override
  protected void onStreamError(
      ChannelHandlerContext ctx,
      boolean outbound,
      Throwable cause,
      Http2Exception.StreamException error) {
    if (!outbound) {
      // Netty found the stream malformed (e.g. DATA beyond content-length): it is reset with that
      // error's code, logged as the other refusals are.
      Http2RequestValidator.refused(error.error(), "stream error", ctx.channel());
    }
    super.onStreamError(ctx, outbound, cause, error);
  }

  private void resetStream(int streamId, Http2Error error) {
    resetStream(ctx, streamId, error.code(), ctx.newPromise());
    flush(ctx);
  }

  private final class Frames extends Http2FrameAdapter {
    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endOfStream) {
      onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endOfStream) {
      Http2Stream stream = connection().stream(streamId);
      if (stream == null) {
        return;
      }
      ClientStream s = stream.getProperty(streamKey);
      if (s == null) {
        s = new ClientStream(stream);
        stream.setProperty(streamKey, s);
        s.head(headers, endOfStream);
      } else {
        s.trailers(headers, endOfStream);
      }
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      Http2Stream stream = connection().stream(streamId);
      ClientStream s = stream == null ? null : stream.getProperty(streamKey);
      if (s == null) {
        return data.readableBytes() + padding;
      }
      // The padding is given back at once; the data when the exchange takes it.
      return s.data(data, endOfStream) ? padding : data.readableBytes() + padding;
    }
  }

  private final class StreamStates extends Http2ConnectionAdapter {
    @Override
    public void onStreamActive(Http2Stream stream) {
      streamActivity.run();
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
      ClientStream s = stream.getProperty(streamKey);
      if (s != null) {
        s.closed();
      }
      streamActivity.run();
    }
  }

  /**
   * One request stream as its exchange sees it: the request's messages not yet taken, the read
   * timer, and the response's way out.
   */
  private final class ClientStream implements ClientSide {
    private final Http2Stream stream;
    private final Http2RequestValidator rules = new Http2RequestValidator();
    // Request body frames not yet taken by the exchange: at most the stream's window.
    private ArrayDeque<HttpContent> inbound;
    // The DATA frame that reached the content-length before END_STREAM; see Http2RequestValidator.
    private HttpContent held;
    private Exchange current;
    // As the flow controller last reported it; a stream starts writable.
    private boolean writable = true;
    private boolean wantsNext;
    private boolean delivering;
    private boolean refused;
    private boolean closing;
    private boolean closed;
    private Deadline readDeadline;

    ClientStream(Http2Stream stream) {
      this.stream = stream;
    }

    void head(Http2Headers headers, boolean endStream) {
      String problem = rules.headers(headers, endStream);
      if (problem != null) {
        refuse(Http2Error.PROTOCOL_ERROR, problem);
        return;
      }
      HttpRequest request;
      try {
        if (endStream) {
          request =
              HttpConversionUtil.toFullHttpRequest(
                  stream.id(), headers, Unpooled.EMPTY_BUFFER, true);
        } else {
          request = HttpConversionUtil.toHttpRequest(stream.id(), headers, true);
          if (!HttpUtil.isContentLengthSet(request)) {
            request.headers().add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
          }
        }
      } catch (Http2Exception | RuntimeException e) {
        failed(e);
        return;
      }
      RequestValidator.Verdict verdict = RequestValidator.check(request, true);
      if (verdict.refusal() != null) {
        ReferenceCountUtil.release(request);
        refused = true;
        RequestValidator.refused(verdict, connection(), listener.metrics());
        writeLast(LocalResponse.text(verdict.refusal()).toResponse(alloc(), true))
            .addListener(f -> close());
        return;
      }
      try {
        current = new Exchange(this, request);
        current.start(verdict.accepted());
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    void trailers(Http2Headers headers, boolean endStream) {
      if (refused || closed) {
        return;
      }
      String problem = rules.headers(headers, endStream);
      if (problem != null) {
        refuse(Http2Error.PROTOCOL_ERROR, problem);
        return;
      }
      LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, true);
      try {
        HttpConversionUtil.addHttp2ToHttpHeaders(
            stream.id(), headers, last.trailingHeaders(), HttpVersion.HTTP_1_1, true, true);
      } catch (Http2Exception | RuntimeException e) {
        last.release();
        failed(e);
        return;
      }
      releaseHeld();
      enqueue(last);
    }

    /**
     * @return whether the frame was kept for the exchange (its bytes are given back when taken)
     */
    boolean data(ByteBuf data, boolean endStream) {
      if (refused || closed) {
        return false;
      }
      String problem = rules.data(data.readableBytes(), endStream);
      if (problem != null) {
        refuse(Http2Error.PROTOCOL_ERROR, problem);
        return false;
      }
      if (endStream) {
        releaseHeld();
        enqueue(new DefaultLastHttpContent(data.retain(), true));
      } else if (rules.holdBack()) {
        held = new DefaultHttpContent(data.retain());
      } else {
        enqueue(new DefaultHttpContent(data.retain()));
      }
      return true;
    }

    private void releaseHeld() {
      if (held != null) {
        HttpContent content = held;
        held = null;
        enqueue(content);
      }
    }

    private void enqueue(HttpContent content) {
      if (inbound == null) {
        inbound = new ArrayDeque<>(4);
      }
      inbound.add(content);
      deliver();
    }

    /** Hands the exchange the next message while it asks for one. */
    private void deliver() {
      if (delivering) {
        return;
      }
      delivering = true;
      try {
        while (wantsNext && !closing && inbound != null && !inbound.isEmpty()) {
          wantsNext = false;
          HttpContent content = inbound.poll();
          giveBack(content.content().readableBytes());
          if (ClientSide.bodyPart(current, content)) {
            close();
          }
        }
      } catch (RuntimeException e) {
        failed(e);
      } finally {
        delivering = false;
      }
    }

    /** The exchange took {@code bytes} of the body: the client may send as many more. */
    private void giveBack(int bytes) {
      if (bytes == 0 || stream.state() == Http2Stream.State.CLOSED) {
        return;
      }
      try {
        if (decoder().flowController().consumeBytes(stream, bytes)) {
          flush(ctx);
        }
      } catch (Http2Exception e) {
        onError(ctx, true, e);
      }
    }

    private void refuse(Http2Error error, String reason) {
      if (refused) {
        return;
      }
      refused = true;
      dropInbound();
      Http2RequestValidator.refused(error, reason, connection());
      resetStream(stream.id(), error);
    }

    /** What ExchangeHandler does with an exception of its exchange: log it, close the stream. */
    private void failed(Throwable cause) {
      logError(cause);
      close();
    }

    private void logError(Throwable cause) {
      log.debug(
          "event=client_error protocol=h2 client={} error={}",
          ClientAddress.of(ctx.channel()),
          cause.getClass().getSimpleName());
    }

    private void dropInbound() {
      if (held != null) {
        held.release();
        held = null;
      }
      if (inbound != null) {
        for (HttpContent content; (content = inbound.poll()) != null; ) {
          content.release();
        }
      }
    }

    /**
     * The flow controller found the stream's writability changed (its window, or the connection's
     * outbound buffer). What it found is kept: the exchange stops reading its upstream when told
     * unwritable and waits for the next change, so the two must agree. Asking the controller at any
     * other moment could see the channel unwritable for an instant whose end no change reports.
     */
    void writabilityChanged() {
      writable =
          Http2ClientConnection.this.connection().remote().flowController().isWritable(stream);
      if (current != null && !closed) {
        try {
          current.clientWritabilityChanged();
        } catch (RuntimeException e) {
          failed(e);
        }
      }
    }

    /** The stream closed, ended by both sides or reset by either: give back what it holds. */
    void closed() {
      closed = true;
      closing = true;
      dropInbound();
      if (readDeadline != null) {
        readDeadline.stop();
      }
      if (current != null) {
        try {
          current.clientClosed();
        } catch (RuntimeException e) {
          // Thrown into the connection handler it would end the whole connection.
          logError(e);
        }
      }
    }

    // ------------------------------------------------------------ as the exchange sees it

    @Override
    public ListenerContext listener() {
      return listener;
    }

    @Override
    public boolean http2() {
      return true;
    }

    @Override
    public Channel connection() {
      return ctx.channel();
    }

    @Override
    public void write(HttpObject msg) {
      send(msg);
    }

    @Override
    public ChannelFuture writeLast(HttpObject msg) {
      return send(msg);
    }

    /**
     * Writes {@code msg} as the stream's frames and flushes: a head as HEADERS (with END_STREAM if
     * nothing follows; never for an interim head), content as DATA, the last content as DATA with
     * END_STREAM, or, with trailers, as DATA and trailing HEADERS.
     *
     * @return the write of the last frame
     */
    private ChannelFuture send(HttpObject msg) {
      ChannelPromise promise = ctx.newPromise();
      int id = stream.id();
      Http2ConnectionEncoder out = encoder();
      boolean head = msg instanceof HttpResponse;
      if (head) {
        HttpResponse response = (HttpResponse) msg;
        boolean interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        boolean endStream =
            !interim
                && msg instanceof LastHttpContent whole
                && !whole.content().isReadable()
                && whole.trailingHeaders().isEmpty();
        Http2Headers headers = HttpConversionUtil.toHttp2Headers(response, true);
        if (interim || endStream || !(msg instanceof LastHttpContent)) {
          ReferenceCountUtil.release(msg);
          out.writeHeaders(ctx, id, headers, 0, endStream, promise);
          flush(ctx);
          return promise;
        }
        out.writeHeaders(ctx, id, headers, 0, false, ctx.newPromise());
      }
      if (msg instanceof LastHttpContent last) {
        boolean trailers = !last.trailingHeaders().isEmpty();
        // An empty DATA frame carries END_STREAM when nothing else does; a whole response's head
        // already told the client a body follows.
        if (last.content().isReadable() || (!head && !trailers)) {
          out.writeData(
              ctx, id, last.content(), 0, !trailers, trailers ? ctx.newPromise() : promise);
        } else {
          last.release();
        }
        if (trailers) {
          out.writeHeaders(
              ctx,
              id,
              HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), true),
              0,
              true,
              promise);
        }
      } else if (msg instanceof HttpContent content) {
        out.writeData(ctx, id, content.content(), 0, false, promise);
      } else {
        ReferenceCountUtil.release(msg);
        promise.setSuccess();
      }
      flush(ctx);
      return promise;
    }

    @Override
    public void relay(ByteBuf bytes) {
      bytes.release();
      throw new UnsupportedOperationException("HTTP/2 responses are relayed as messages");
    }

    @Override
    public ChannelFuture relayLast(ByteBuf bytes) {
      bytes.release();
      throw new UnsupportedOperationException("HTTP/2 responses are relayed as messages");
    }

    @Override
    public boolean isWritable() {
      return writable;
    }

    @Override
    public void readNext() {
      if (!closing) {
        wantsNext = true;
        deliver();
      }
    }

    @Override
    public void armReadTimer(long millis) {
      if (readDeadline == null) {
        readDeadline = new Deadline(this::readTimedOut);
      }
      readDeadline.arm(ctx.executor(), millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void disarmReadTimer() {
      if (readDeadline != null) {
        readDeadline.disarm();
      }
    }

    private void readTimedOut() {
      if (current != null) {
        current.readTimedOut();
      }
    }

    @Override
    public boolean draining() {
      // A draining connection sends GOAWAY and lets its streams finish; no stream closes early.
      return false;
    }

    @Override
    public void exchangeEnded(Exchange exchange) {
      if (exchange == current) {
        current = null;
      }
    }

    @Override
    public void upgraded() {
      throw new UnsupportedOperationException("WebSocket upgrades are HTTP/1.1 only");
    }

    @Override
    public void reset() {
      if (!closing && stream.state() != Http2Stream.State.CLOSED) {
        resetStream(stream.id(), Http2Error.INTERNAL_ERROR);
      }
      close();
    }

    @Override
    public void close() {
      if (closing) {
        return;
      }
      closing = true;
      if (current != null) {
        current.connectionClosing();
      }
      dropInbound();
      if (stream.state() != Http2Stream.State.CLOSED) {
        resetStream(stream.id(), Http2Error.CANCEL);
      }
    }
  }
}
