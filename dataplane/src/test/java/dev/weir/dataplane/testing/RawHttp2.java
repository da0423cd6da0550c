package dev.weir.dataplane.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/2 client over TLS (ALPN h2) that writes frames byte by byte as the test builds them:
 * header blocks are HPACK literals without indexing, in the order and spelling given, so it can
 * send what RFC 9113 forbids (upper-case names, misplaced or unknown pseudo-headers, connection
 * headers, control characters in values) and no library normalises it away. Responses are read with
 * Netty's HPACK decoder, without validation.
 */
public final class RawHttp2 implements AutoCloseable {
  /** How the server ended a stream. */
  public sealed interface Outcome {}

  /** A response head (and its body as far as read). */
  public record Answered(int status, byte[] body) implements Outcome {}

  /** RST_STREAM with this error code (1 = PROTOCOL_ERROR, 8 = CANCEL). */
  public record Reset(long errorCode) implements Outcome {}

  /** GOAWAY before the stream was answered. */
  public record GoAway(long errorCode) implements Outcome {}

  public static final long PROTOCOL_ERROR = 0x1;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int DATA = 0x0;
  public static final int HEADERS = 0x1;
  public static final int CONTINUATION = 0x9;
  private static final int RST_STREAM = 0x3;
  private static final int SETTINGS = 0x4;
  private static final int PING = 0x6;
  private static final int GOAWAY = 0x7;
  private static final int WINDOW_UPDATE = 0x8;
  public static final int END_STREAM = 0x1;
  public static final int END_HEADERS = 0x4;
  private static final int ACK = 0x1;
  private static final int MAX_FRAMES = 1_000;

  private final SSLSocket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

  public RawHttp2(SSLContext tls, int port) throws IOException {
    socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    if (!"h2".equals(socket.getApplicationProtocol())) {
      throw new IOException("ALPN chose '" + socket.getApplicationProtocol() + "', not h2");
    }
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    out.write(PREFACE);
    frame(SETTINGS, 0, 0, new byte[0]);
    out.flush();
  }

  /**
   * A header block of {@code fields} as given: each entry is {name, value}. Repeated names and any
   * order are kept.
   */
  public static byte[] headerBlock(List<Map.Entry<String, String>> fields) {
    ByteArrayOutputStream block = new ByteArrayOutputStream();
    for (Map.Entry<String, String> field : fields) {
      // Literal header field without indexing, new name (RFC 7541 §6.2.2), no Huffman coding.
      block.write(0x00);
      string(block, field.getKey().getBytes(StandardCharsets.ISO_8859_1));
      string(block, field.getValue().getBytes(StandardCharsets.ISO_8859_1));
    }
    return block.toByteArray();
  }

  /** The usual request pseudo-headers for a GET of {@code path}, in order. */
  public static List<Map.Entry<String, String>> get(String path) {
    return List.of(
        Map.entry(":method", "GET"),
        Map.entry(":scheme", "https"),
        Map.entry(":authority", "a.test"),
        Map.entry(":path", path));
  }

  public void headers(int streamId, List<Map.Entry<String, String>> fields, boolean endStream)
      throws IOException {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, headerBlock(fields));
    out.flush();
  }

  /** The bytes of one frame, as {@link #send(byte[])} would take them. */
  public static byte[] frameBytes(int type, int flags, int streamId, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(frameHeader(payload.length, type, flags, streamId), 0, 9);
    frame.write(payload, 0, payload.length);
    return frame.toByteArray();
  }

  /** A HEADERS frame with END_HEADERS and END_STREAM: a whole GET of {@code path}. */
  public static byte[] getFrame(int streamId, String path) {
    return frameBytes(HEADERS, END_HEADERS | END_STREAM, streamId, headerBlock(get(path)));
  }

  /** Writes {@code bytes} as they are and flushes. */
  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void ping() throws IOException {
    frame(PING, 0, 0, new byte[8]);
    out.flush();
  }

  public void readTimeoutMillis(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /**
   * Gives the server {@code increment} more bytes of window on {@code streamId} (0: connection).
   */
  public void windowUpdate(int streamId, int increment) throws IOException {
    frame(
        WINDOW_UPDATE,
        0,
        streamId,
        new byte[] {
          (byte) (increment >>> 24),
          (byte) (increment >>> 16),
          (byte) (increment >>> 8),
          (byte) increment
        });
    out.flush();
  }

  public void data(int streamId, String content, boolean endStream) throws IOException {
    frame(
        DATA, endStream ? END_STREAM : 0, streamId, content.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /**
   * Reads frames until {@code streamId} is answered (a response head, then its body to END_STREAM),
   * reset, or the connection is gone away.
   */
  public Outcome await(int streamId) throws IOException {
    Integer status = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < MAX_FRAMES; i++) {
      Frame f = readFrame();
      int flags = f.flags();
      int stream = f.stream();
      byte[] payload = f.payload();
      switch (f.type()) {
        case SETTINGS -> {
          if ((flags & ACK) == 0) {
            frame(SETTINGS, ACK, 0, new byte[0]);
            out.flush();
          }
        }
        case PING -> {
          if ((flags & ACK) == 0) {
            frame(PING, ACK, 0, payload);
            out.flush();
          }
        }
        case GOAWAY -> {
          if (status == null) {
            return new GoAway(uint32(payload, 4));
          }
        }
        case RST_STREAM -> {
          if (stream == streamId) {
            return new Reset(uint32(payload, 0));
          }
        }
        case HEADERS -> {
          if (stream == streamId) {
            if (status == null) {
              status = status(stream, payload, flags);
            }
            if ((flags & END_STREAM) != 0) {
              return new Answered(status, body.toByteArray());
            }
          }
        }
        case DATA -> {
          if (stream == streamId) {
            body.write(payload, 0, payload.length);
            if ((flags & END_STREAM) != 0 && status != null) {
              return new Answered(status, body.toByteArray());
            }
          }
        }
        default -> {
          // WINDOW_UPDATE, PRIORITY, ...: nothing to do for a short exchange.
        }
      }
    }
    throw new IOException("no outcome for stream " + streamId + " in " + MAX_FRAMES + " frames");
  }

  /**
   * Reads frames, answering none of them (not even SETTINGS, which would break a header block in
   * progress), until a GOAWAY; its error code.
   */
  public long awaitGoAway() throws IOException {
    for (int i = 0; i < MAX_FRAMES; i++) {
      Frame f = readFrame();
      if (f.type() == GOAWAY) {
        return uint32(f.payload(), 4);
      }
    }
    throw new IOException("no GOAWAY in " + MAX_FRAMES + " frames");
  }

  /** True when the server closed the connection (EOF within the socket timeout). */
  public boolean closedByServer() throws IOException {
    try {
      for (int i = 0; i < MAX_FRAMES; i++) {
        if (in.read() == -1) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (EOFException e) {
      return true;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private record Frame(int type, int flags, int stream, byte[] payload) {}

  private Frame readFrame() throws IOException {
    int length =
        (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, stream, payload);
  }

  private int status(int stream, byte[] payload, int flags) throws IOException {
    if ((flags & END_HEADERS) == 0) {
      throw new IOException("response header block split over CONTINUATION frames");
    }
    ByteBuf block = Unpooled.wrappedBuffer(payload);
    try {
      Http2Headers headers = decoder.decodeHeaders(stream, block);
      return Integer.parseInt(headers.status().toString());
    } catch (Http2Exception e) {
      throw new IOException("undecodable response headers", e);
    } finally {
      block.release();
    }
  }

  private void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    out.write(frameHeader(payload.length, type, flags, streamId));
    out.write(payload);
  }

  private static byte[] frameHeader(int length, int type, int flags, int streamId) {
    return new byte[] {
      (byte) (length >>> 16),
      (byte) (length >>> 8),
      (byte) length,
      (byte) type,
      (byte) flags,
      (byte) (streamId >>> 24),
      (byte) (streamId >>> 16),
      (byte) (streamId >>> 8),
      (byte) streamId
    };
  }

  // RFC 7541 §5.2, H = 0, with the §5.1 integer encoding of the length on a 7-bit prefix.
  private static void string(ByteArrayOutputStream block, byte[] bytes) {
    int length = bytes.length;
    if (length < 127) {
      block.write(length);
    } else {
      block.write(127);
      length -= 127;
      while (length >= 128) {
        block.write((length & 0x7f) | 0x80);
        length >>>= 7;
      }
      block.write(length);
    }
    block.write(bytes, 0, bytes.length);
  }

  private static long uint32(byte[] payload, int offset) {
    return ((payload[offset] & 0xffL) << 24)
        | ((payload[offset + 1] & 0xffL) << 16)
        | ((payload[offset + 2] & 0xffL) << 8)
        | (payload[offset + 3] & 0xffL);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
