package dev.weir.dataplane.proxy.policy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * An answer Weir sends itself instead of proxying: a status, headers and a short body. Immutable,
 * so a policy can build its answer once per snapshot (a redirect to a fixed location) and return
 * the same instance for every request. Framing headers (Content-Length, Connection) are Weir's.
 */
public final class LocalResponse {
  // Weir's own answers by status code - 100, made on first use: they are few and immutable.
  private static final LocalResponse[] TEXT = new LocalResponse[500];

  private final HttpResponseStatus status;
  private final HttpHeaders headers;
  private final byte[] body;

  private LocalResponse(HttpResponseStatus status, HttpHeaders headers, byte[] body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** {@code headers} and {@code body} are copied. */
  public static LocalResponse of(HttpResponseStatus status, HttpHeaders headers, byte[] body) {
    return new LocalResponse(status, new DefaultHttpHeaders().add(headers), body.clone());
  }

  /** A redirect to {@code location}, with the status line as its plain-text body. */
  public static LocalResponse redirect(HttpResponseStatus status, String location) {
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .set(HttpHeaderNames.LOCATION, location)
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    byte[] body =
        (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
    return new LocalResponse(status, headers, body);
  }

  /** The status line as plain text ("404 Not Found"): Weir never echoes request data. */
  public static LocalResponse text(HttpResponseStatus status) {
    int index = status.code() - 100;
    if (index < 0 || index >= TEXT.length) {
      return newText(status);
    }
    LocalResponse text = TEXT[index];
    if (text == null || !text.status.equals(status)) {
      // A benign race: every thread computes the same immutable answer.
      text = newText(status);
      TEXT[index] = text;
    }
    return text;
  }

  private static LocalResponse newText(HttpResponseStatus status) {
    byte[] body =
        (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
    HttpHeaders headers =
        new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return new LocalResponse(status, headers, body);
  }

  public HttpResponseStatus status() {
    return status;
  }

  /** The body's length in bytes. */
  public int bodyLength() {
    return body.length;
  }

  /**
   * A response to write for one request.
   *
   * @param close whether it announces that the connection closes after it (HTTP/1.1)
   */
  public FullHttpResponse toResponse(ByteBufAllocator alloc, boolean close) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, alloc.buffer(body.length).writeBytes(body));
    response.headers().add(headers).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (close) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return response;
  }

  @Override
  public String toString() {
    return "LocalResponse[" + status + "]";
  }
}
