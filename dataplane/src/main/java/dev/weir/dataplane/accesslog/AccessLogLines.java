package dev.weir.dataplane.accesslog;

import dev.weir.contract.cli.AccessLogFormat;
import java.time.Instant;
import java.util.function.Function;

/**
 * The access log's line formats. Both carry the same fields under the same names; absent values are
 * JSON nulls or {@code -} in text, as nginx prints them. Durations are in seconds with millisecond
 * precision, as nginx's {@code $request_time}.
 */
final class AccessLogLines {
  private AccessLogLines() {}

  static Function<AccessLogEntry, String> of(AccessLogFormat format) {
    return switch (format) {
      case JSON -> AccessLogLines::json;
      case TEXT -> AccessLogLines::text;
      case OFF -> throw new IllegalArgumentException("no lines when the access log is off");
    };
  }

  static String json(AccessLogEntry e) {
    StringBuilder b = new StringBuilder(384).append('{');
    Fields f = new Fields(b, true);
    fields(e, f);
    return b.append('}').toString();
  }

  static String text(AccessLogEntry e) {
    StringBuilder b = new StringBuilder(320);
    fields(e, new Fields(b, false));
    return b.toString();
  }

  private static void fields(AccessLogEntry e, Fields f) {
    f.string("time", Instant.ofEpochMilli(e.timeMillis()).toString());
    f.string("client", e.client());
    f.string("host", e.host());
    f.string("method", e.method());
    f.string("path", e.path());
    f.string("protocol", e.protocol());
    f.number("status", e.status());
    f.number("bytes_in", e.bytesIn());
    f.number("bytes_out", e.bytesOut());
    f.seconds("duration", e.durationNanos());
    f.string("upstream", e.upstream());
    if (e.upstreamStatus() > 0) {
      f.number("upstream_status", e.upstreamStatus());
    } else {
      f.absent("upstream_status");
    }
    if (e.upstreamNanos() >= 0) {
      f.seconds("upstream_duration", e.upstreamNanos());
    } else {
      f.absent("upstream_duration");
    }
    f.string("virtual_host", e.virtualHost());
    f.string("ingress", e.ingress());
    f.string("backend", e.backend());
    f.string("request_id", e.requestId());
    f.string("tls_protocol", e.tlsProtocol());
    f.bool("tls_resumed", e.tlsResumed());
  }

  private static final class Fields {
    private final StringBuilder b;
    private final boolean json;
    private boolean first = true;

    Fields(StringBuilder b, boolean json) {
      this.b = b;
      this.json = json;
    }

    private void name(String name) {
      if (!first) {
        b.append(json ? "," : " ");
      }
      first = false;
      if (json) {
        b.append('"').append(name).append("\":");
      } else {
        b.append(name).append('=');
      }
    }

    void string(String name, String value) {
      if (value == null) {
        absent(name);
        return;
      }
      name(name);
      if (json) {
        b.append('"');
        escapeJson(value);
        b.append('"');
      } else {
        escapeText(value);
      }
    }

    void number(String name, long value) {
      name(name);
      b.append(value);
    }

    void bool(String name, boolean value) {
      name(name);
      b.append(value);
    }

    void seconds(String name, long nanos) {
      name(name);
      long millis = nanos / 1_000_000;
      b.append(millis / 1000).append('.');
      long frac = millis % 1000;
      if (frac < 100) {
        b.append('0');
      }
      if (frac < 10) {
        b.append('0');
      }
      b.append(frac);
    }

    void absent(String name) {
      name(name);
      b.append(json ? "null" : "-");
    }

    private void escapeJson(String s) {
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          default -> {
            if (c < 0x20 || c == 0x7f) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
    }

    // A value with a space, quote or control character is quoted, so a client's path or Host
    // cannot forge another field or another line.
    private void escapeText(String s) {
      boolean plain = !s.isEmpty();
      for (int i = 0; i < s.length() && plain; i++) {
        char c = s.charAt(i);
        plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\';
      }
      if (plain) {
        b.append(s);
        return;
      }
      b.append('"');
      escapeJson(s);
      b.append('"');
    }
  }
}
