package dev.weir.dataplane.tls;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.contract.snapshot.UpstreamTls;
import dev.weir.contract.tls.CertificateCheck;
import dev.weir.contract.tls.LoadedCertificate;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream TLS contexts of the backends that re-encrypt ({@code protocol HTTPS}, or {@code
 * GRPCS}: HTTP/2 over TLS, offering only {@code h2} by ALPN), one per distinct {@link UpstreamTls}
 * (and client certificate) and protocol, built by {@link #prepare} when a snapshot brings a setting
 * not seen before and reused while snapshots keep it: a backend whose endpoints change keeps its
 * context, and with it its pooled connections. The contexts of the last two snapshots prepared are
 * kept, so a request that started on the previous one still finds its own.
 */
public final class UpstreamTlsContexts {
  private static final Logger log = LoggerFactory.getLogger(UpstreamTlsContexts.class);
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  // gRPC speaks HTTP/2 only. OpenSSL accepts whatever the pod selects (it supports no other
  // behaviour); the pool refuses a connection that ends up with anything but h2 or nothing.
  private static final ApplicationProtocolConfig H2_ONLY =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2);

  private final SslProvider provider;
  private final Clock clock;
  private final Object lock = new Object();
  // Replaced whole under lock, read without it.
  private volatile Map<UpstreamTls, Built> current = Map.of();
  private volatile Map<UpstreamTls, Built> previous = Map.of();

  public UpstreamTlsContexts() {
    this(OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK, Clock.systemUTC());
  }

  UpstreamTlsContexts(SslProvider provider, Clock clock) {
    this.provider = provider;
    this.clock = clock;
  }

  /**
   * How to connect to {@code backend}'s endpoints: null in clear text (HTTP/1.1, or h2c for {@code
   * GRPC}), else its TLS context, which may be {@linkplain UpstreamTlsContext#problem unusable}.
   */
  public UpstreamTlsContext forBackend(Backend backend) {
    UpstreamProtocol protocol = backend.protocol();
    if (!protocol.tls()) {
      return null;
    }
    Built built = current.get(backend.tls());
    UpstreamTlsContext context = built == null ? null : built.context(protocol.http2());
    if (context == null) {
      built = previous.get(backend.tls());
      context = built == null ? null : built.context(protocol.http2());
    }
    return context != null
        ? context
        : UpstreamTlsContext.unusable("its TLS settings changed twice while the request waited");
  }

  /** Builds the contexts {@code snapshot}'s backends need that are not built yet. */
  public void prepare(Snapshot snapshot) {
    synchronized (lock) {
      Map<String, Certificate> certificates = null;
      Map<UpstreamTls, Built> next = new HashMap<>();
      for (Backend b : snapshot.backends()) {
        boolean http2 = b.protocol().http2();
        Built seen = next.get(b.tls());
        if (!b.protocol().tls() || (seen != null && seen.context(http2) != null)) {
          continue;
        }
        UpstreamTls tls = b.tls();
        Certificate client = null;
        if (tls.clientCertificate() != null) {
          if (certificates == null) {
            certificates = new HashMap<>();
            for (Certificate c : snapshot.certificates()) {
              certificates.put(c.id(), c);
            }
          }
          client = certificates.get(tls.clientCertificate());
        }
        Built built = seen != null ? seen : current.get(tls);
        if (built == null || !Objects.equals(built.client, client)) {
          built = new Built(null, null, client);
        }
        if (built.context(http2) == null) {
          UpstreamTlsContext context = build(tls, client, http2);
          if (context.problem() != null) {
            log.warn(
                "event=upstream_tls_unusable backend={} action=answer_502 reason=\"{}\"",
                b.id(),
                context.problem());
          }
          built = built.with(http2, context);
        }
        next.put(tls, built);
      }
      previous = current;
      current = Map.copyOf(next);
    }
  }

  private UpstreamTlsContext build(UpstreamTls tls, Certificate client, boolean http2) {
    if (tls.unavailable()) {
      return UpstreamTlsContext.unusable("the proxy-ssl Secret is unavailable");
    }
    ChainVerifier chains = ChainVerifier.of(tls.caCertificates(), tls.verifyDepth());
    if (tls.verify() && !chains.hasAnchors()) {
      return UpstreamTlsContext.unusable("the CA bundle holds no readable certificate");
    }
    UpstreamTrust trust = tls.verify() ? new UpstreamTrust(chains, clock) : null;
    SslContextBuilder builder =
        SslContextBuilder.forClient()
            .sslProvider(provider)
            .protocols(PROTOCOLS)
            // UpstreamTrust checks the name itself; it is not always the engine's peer host.
            .endpointIdentificationAlgorithm(null)
            .trustManager(
                trust != null ? trust : InsecureTrustManagerFactory.INSTANCE.getTrustManagers()[0]);
    if (http2) {
      builder.applicationProtocolConfig(H2_ONLY);
    }
    if (tls.clientCertificate() != null) {
      if (client == null) {
        return UpstreamTlsContext.unusable(
            "client certificate '" + tls.clientCertificate() + "' is not in the snapshot");
      }
      try {
        LoadedCertificate loaded =
            CertificateCheck.load(
                client.certificateChain(),
                client.privateKey() == null ? null : client.privateKey().reveal());
        builder.keyManager(loaded.key(), loaded.chain());
      } catch (CertificateCheck.Refusal e) {
        return UpstreamTlsContext.unusable(
            "client certificate '" + client.id() + "': " + e.getMessage());
      }
    }
    try {
      return new UpstreamTlsContext(
          builder.build(),
          trust,
          tls.serverName(),
          tls.sendServerName(),
          (tls.verify() ? "verify " + chains : "no verification")
              + (tls.serverName() != null ? ", name " + tls.serverName() : "")
              + (tls.sendServerName() ? ", SNI" : "")
              + (http2 ? ", ALPN h2" : "")
              + (client != null ? ", client certificate " + client.id() : ""));
    } catch (SSLException | RuntimeException e) {
      // Netty's message may quote input; keep only the exception type.
      return UpstreamTlsContext.unusable(
          "cannot build a TLS context (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The contexts of one setting, for HTTP/1.1 and for HTTP/2 (each null until a backend needs it),
   * and the client certificate they were built with (ids may be reused by hand).
   */
  private record Built(UpstreamTlsContext http1, UpstreamTlsContext http2, Certificate client) {
    UpstreamTlsContext context(boolean forHttp2) {
      return forHttp2 ? http2 : http1;
    }

    Built with(boolean forHttp2, UpstreamTlsContext context) {
      return forHttp2 ? new Built(http1, context, client) : new Built(context, http2, client);
    }
  }
}
