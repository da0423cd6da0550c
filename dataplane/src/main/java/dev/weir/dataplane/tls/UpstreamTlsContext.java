package dev.weir.dataplane.tls;

import dev.weir.contract.host.HostName;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import javax.net.ssl.SSLEngine;

/**
 * How a re-encrypting backend's endpoints are spoken to over TLS (ingress-nginx's {@code
 * proxy-ssl-*}): one Netty client context per distinct setting, built when a snapshot brings it
 * ({@link UpstreamTlsContexts}), or the reason the backend cannot be served ({@link #problem}).
 *
 * <p>The name an endpoint's certificate is verified against is {@code serverName}, else the
 * request's host (nginx's {@code proxy_ssl_name} defaults to {@code $host}); it is sent as SNI only
 * with {@code sendServerName}. Connections are pooled by endpoint, context and that name ({@link
 * #nameFor}), so a connection verified for one name never carries a request for another.
 */
public final class UpstreamTlsContext {
  private final SslContext context;
  private final UpstreamTrust trust;
  private final String serverName;
  private final boolean sendServerName;
  private final String problem;
  private final String description;

  UpstreamTlsContext(
      SslContext context,
      UpstreamTrust trust,
      String serverName,
      boolean sendServerName,
      String description) {
    this.context = context;
    this.trust = trust;
    this.serverName = serverName;
    this.sendServerName = sendServerName;
    this.problem = null;
    this.description = description;
  }

  private UpstreamTlsContext(String problem) {
    this.context = null;
    this.trust = null;
    this.serverName = null;
    this.sendServerName = false;
    this.problem = problem;
    this.description = "unusable";
  }

  /** A backend that answers 502 for {@code problem}, logged with each refused request. */
  public static UpstreamTlsContext unusable(String problem) {
    return new UpstreamTlsContext(problem);
  }

  /** Why no connection can be made (fail closed), or null. */
  public String problem() {
    return problem;
  }

  /**
   * The name a connection for a request to {@code requestHost} (a Host header, port allowed) is
   * verified against and, if so configured, announces by SNI; null when neither happens, so that
   * every request shares the endpoint's connections.
   */
  public String nameFor(String requestHost) {
    if (serverName != null) {
      return serverName;
    }
    if (trust == null && !sendServerName) {
      return null;
    }
    return requestHost == null ? null : HostName.ofAuthority(requestHost);
  }

  /**
   * The TLS handler of a new connection for {@code name} ({@link #nameFor}).
   *
   * @param port the endpoint's port (with the name, the key of the client session cache)
   * @param handshakeMillis how long the endpoint has to complete the handshake
   */
  public SslHandler newHandler(
      ByteBufAllocator alloc, String name, int port, long handshakeMillis) {
    boolean sni =
        sendServerName
            && name != null
            && !NetUtil.isValidIpV4Address(name)
            && !NetUtil.isValidIpV6Address(name);
    // A peer host given to the engine is sent as SNI; without SNI the name only goes to the trust
    // manager.
    SSLEngine engine = sni ? context.newEngine(alloc, name, port) : context.newEngine(alloc);
    if (trust != null) {
      trust.expect(engine, name);
    }
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeoutMillis(handshakeMillis);
    return handler;
  }

  @Override
  public String toString() {
    return "UpstreamTlsContext[" + (problem != null ? "unusable: " + problem : description) + "]";
  }
}
