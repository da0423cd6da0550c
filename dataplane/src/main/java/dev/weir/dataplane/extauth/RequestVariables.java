package dev.weir.dataplane.extauth;

import dev.weir.contract.snapshot.RequestTemplate;
import dev.weir.dataplane.proxy.policy.ProxiedRequest;
import dev.weir.dataplane.tls.ClientCertificateVerifier;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;

/** nginx's request variables as a {@link RequestTemplate} names them, evaluated for a request. */
final class RequestVariables {
  private RequestVariables() {}

  static String evaluate(RequestTemplate template, ProxiedRequest request) {
    List<RequestTemplate.Part> parts = template.parts();
    if (parts.size() == 1 && parts.get(0).literal() != null) {
      return parts.get(0).literal();
    }
    StringBuilder out = new StringBuilder();
    for (RequestTemplate.Part part : parts) {
      out.append(part.literal() != null ? part.literal() : value(part.variable(), request));
    }
    return out.toString();
  }

  /** A variable's value; an empty string when the request has none, as nginx's. */
  static String value(String name, ProxiedRequest request) {
    switch (name) {
      case "host", "server_name":
        return hostName(request.host());
      case "http_host", "best_http_host":
        return httpHost(request);
      case "scheme":
        return request.https() ? "https" : "http";
      case "pass_access_scheme":
        return passAccessScheme(request);
      case "request_uri":
        return request.target();
      case "escaped_request_uri":
        return escape(request.target());
      case "uri":
        return request.path();
      case "args", "query_string":
        int q = request.target().indexOf('?');
        return q < 0 ? "" : request.target().substring(q + 1);
      case "request_method":
        return request.method().name();
      case "remote_addr":
        return request.clientAddress();
      case "server_port", "pass_server_port":
        return Integer.toString(request.listenerPort());
      default:
        break;
    }
    if (name.startsWith("http_")) {
      String header = name.substring(5).replace('_', '-');
      List<String> values = request.headers().getAll(header);
      // nginx joins a repeated header's values ("; " for Cookie, ", " for others).
      return String.join(header.equals("cookie") ? "; " : ", ", values);
    }
    if (name.startsWith("cookie_")) {
      String cookie = name.substring(7);
      for (String line : request.headers().getAll(HttpHeaderNames.COOKIE)) {
        for (Cookie c : ServerCookieDecoder.LAX.decodeAll(line)) {
          if (c.name().equalsIgnoreCase(cookie)) {
            return c.value();
          }
        }
      }
      return "";
    }
    if (name.startsWith("arg_")) {
      List<String> values =
          new QueryStringDecoder(request.target()).parameters().get(name.substring(4));
      return values == null || values.isEmpty() ? "" : values.get(0);
    }
    return "";
  }

  /** nginx's {@code $host}: the request's host without its port. */
  static String hostName(String host) {
    if (host == null) {
      return "";
    }
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.indexOf(':');
    return colon < 0 || host.indexOf(':', colon + 1) >= 0 ? host : host.substring(0, colon);
  }

  static String httpHost(ProxiedRequest request) {
    String host = request.headers().get(HttpHeaderNames.HOST);
    return host != null ? host : request.host() == null ? "" : request.host();
  }

  /**
   * ingress-nginx's {@code $pass_access_scheme}: the scheme a trusted proxy reports in
   * X-Forwarded-Proto, else the listener's. The edge policies have already left exactly that in the
   * header.
   */
  static String passAccessScheme(ProxiedRequest request) {
    String forwarded = request.headers().get("x-forwarded-proto");
    return forwarded != null ? forwarded : request.https() ? "https" : "http";
  }

  /**
   * set-misc's {@code set_escape_uri}, which ingress-nginx uses for {@code $escaped_request_uri}:
   * every byte but letters, digits and {@code -._~} as %XX (Go's url.QueryEscape, less its '+').
   */
  static String escape(String value) {
    return ClientCertificateVerifier.escapeUriComponent(value);
  }
}
