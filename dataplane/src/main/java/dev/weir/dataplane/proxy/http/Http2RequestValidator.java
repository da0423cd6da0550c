package dev.weir.dataplane.proxy.http;

import dev.weir.dataplane.proxy.LogLimiter;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Headers.PseudoHeaderName;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of an HTTP/2 request stream, applied to its frames as they arrive (one instance per
 * stream): what RFC 9113 calls a malformed request (§8.1.1) is refused with
 * RST_STREAM(PROTOCOL_ERROR) before it is converted to an HttpRequest, so nothing of it reaches
 * routing or a backend. Netty's header validation already refuses upper-case or invalid names,
 * connection-specific fields, a pseudo-header after a regular one, and DATA beyond the
 * content-length; these rules do not rely on it for what a proxy cannot afford to get wrong:
 *
 * <ul>
 *   <li>pseudo-headers: exactly one {@code :method}, {@code :scheme} and {@code :path} (§8.3.1),
 *       none unknown or response-only; {@code :path} not empty and starting with {@code /} ({@code
 *       *} only for OPTIONS);
 *   <li>connection-specific fields and {@code te} other than {@code trailers} (§8.2.2);
 *   <li>NUL, CR, LF, or leading/trailing whitespace in a value (§8.2.1): HTTP/1.1 upstream would
 *       read CR/LF as the end of a field;
 *   <li>a {@code host} naming another authority than {@code :authority} (§8.3.1): routing and the
 *       backend must see the same host;
 *   <li>a {@code content-length} that is not a single number, or that the DATA frames contradict
 *       (§8.1.1).
 * </ul>
 *
 * <p>A body is streamed, so a wrong content-length is found out while the head may already be
 * upstream. To never hand a backend a <em>complete</em> request that turns out malformed, the DATA
 * frame that reaches the announced length without END_STREAM is held back until the stream ends
 * ({@link #holdBack}): a reset then cuts the upstream request one frame short of its length.
 *
 * <p>Stream errors Netty raises are answered the same way, with their own error code ({@link
 * #refused} logs both).
 */
public final class Http2RequestValidator {
  private static final Logger log = LoggerFactory.getLogger(Http2RequestValidator.class);

  private static final List<AsciiString> CONNECTION_SPECIFIC =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_CONNECTION,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE);

  private boolean headReceived;
  private long declaredLength = -1;
  private long receivedLength;

  /**
   * A HEADERS frame of the stream: the request head, then at most trailers.
   *
   * @return what makes the request malformed, or null
   */
  public String headers(Http2Headers headers, boolean endStream) {
    String problem;
    if (!headReceived) {
      headReceived = true;
      problem = headProblem(headers);
    } else {
      // Trailers: Netty refuses pseudo-headers in them; the values go upstream as a chunked
      // trailer section, so they must be as clean as the head's.
      problem = fieldProblems(headers);
      if (problem == null && !endStream) {
        problem = "trailers without END_STREAM";
      }
    }
    if (problem == null && endStream) {
      problem = lengthAtEnd();
    }
    return problem;
  }

  /**
   * A DATA frame of {@code bytes} bytes.
   *
   * @return what makes the request malformed, or null
   */
  public String data(int bytes, boolean endStream) {
    receivedLength += bytes;
    if (declaredLength >= 0 && receivedLength > declaredLength) {
      return "data beyond content-length";
    }
    return endStream ? lengthAtEnd() : null;
  }

  /**
   * Whether the DATA frame just accepted (without END_STREAM) reached the announced length: it is
   * held back until the stream ends.
   */
  public boolean holdBack() {
    return receivedLength == declaredLength && declaredLength > 0;
  }

  private String lengthAtEnd() {
    return declaredLength >= 0 && receivedLength != declaredLength
        ? "data shorter than content-length"
        : null;
  }

  private String headProblem(Http2Headers headers) {
    int methods = 0;
    int schemes = 0;
    int paths = 0;
    int authorities = 0;
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      CharSequence name = field.getKey();
      if (!PseudoHeaderName.hasPseudoHeaderFormat(name)) {
        continue;
      }
      PseudoHeaderName pseudo = PseudoHeaderName.getPseudoHeader(name);
      if (pseudo == null) {
        return "unknown pseudo-header";
      }
      switch (pseudo) {
        case METHOD -> methods++;
        case SCHEME -> schemes++;
        case PATH -> paths++;
        case AUTHORITY -> authorities++;
        // :status belongs to responses; :protocol needs SETTINGS_ENABLE_CONNECT_PROTOCOL, which
        // Weir does not send.
        default -> {
          return "pseudo-header " + name + " in a request";
        }
      }
    }
    if (methods != 1 || authorities > 1) {
      return "missing or repeated pseudo-header";
    }
    CharSequence method = headers.method();
    if (!AsciiString.contentEquals(method, "CONNECT") && (schemes != 1 || paths != 1)) {
      return "missing or repeated pseudo-header";
    }
    CharSequence path = headers.path();
    if (path != null
        && !(path.length() > 0 && path.charAt(0) == '/')
        && !(AsciiString.contentEquals(path, "*")
            && AsciiString.contentEquals(method, "OPTIONS"))) {
      return "invalid :path";
    }
    String problem = fieldProblems(headers);
    if (problem != null) {
      return problem;
    }
    List<CharSequence> hosts = headers.getAll(HttpHeaderNames.HOST);
    CharSequence authority = headers.authority();
    if (hosts.size() > 1
        || !hosts.isEmpty()
            && authority != null
            && !AsciiString.contentEqualsIgnoreCase(hosts.get(0), authority)) {
      return "host differs from :authority";
    }
    List<CharSequence> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (lengths.size() > 1) {
      return "repeated content-length";
    }
    if (lengths.size() == 1) {
      declaredLength = contentLength(lengths.get(0));
      if (declaredLength < 0) {
        return "invalid content-length";
      }
    }
    return null;
  }

  private static String fieldProblems(Http2Headers headers) {
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      CharSequence name = field.getKey();
      if (name.length() == 0) {
        return "empty field name";
      }
      if (!PseudoHeaderName.hasPseudoHeaderFormat(name)) {
        for (int i = 0; i < name.length(); i++) {
          if (!isLowerCaseToken(name.charAt(i))) {
            return "invalid field name";
          }
        }
        for (AsciiString connectionSpecific : CONNECTION_SPECIFIC) {
          if (connectionSpecific.contentEqualsIgnoreCase(name)) {
            return "connection-specific field";
          }
        }
        if (HttpHeaderNames.TE.contentEqualsIgnoreCase(name)
            && !HttpHeaderValues.TRAILERS.contentEqualsIgnoreCase(field.getValue())) {
          return "te other than trailers";
        }
      }
      CharSequence value = field.getValue();
      int length = value.length();
      if (length > 0 && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(length - 1)))) {
        return "whitespace around a field value";
      }
      for (int i = 0; i < length; i++) {
        char c = value.charAt(i);
        if (c == 0 || c == '\r' || c == '\n') {
          return "NUL, CR or LF in a field value";
        }
      }
    }
    return null;
  }

  // RFC 9110 §5.6.2 tchar, without upper case (RFC 9113 §8.2.1).
  private static boolean isLowerCaseToken(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t';
  }

  /** The value as a non-negative number, or -1: digits only, no sign, no list. */
  private static long contentLength(CharSequence value) {
    if (value.length() == 0 || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** Logs a stream refused with RST_STREAM({@code error}); never the field itself. */
  public static void refused(Http2Error error, String reason, Channel client) {
    // A value may be a credential: only the kind of problem is logged.
    long suppressed = LogLimiter.FAILURES.admit("refused h2 " + error);
    if (suppressed != LogLimiter.SUPPRESS) {
      log.info(
          "event=request_refused protocol=h2 error={} reason=\"{}\" client={} suppressed={}",
          error,
          reason,
          ClientAddress.of(client),
          suppressed);
    }
  }
}
