package dev.weir.dataplane.proxy.policy;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.ClientAuth;
import dev.weir.contract.snapshot.ClientVerify;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.dataplane.tls.ClientCertificateVerifier;
import dev.weir.dataplane.tls.ClientCertificateVerifier.Verdict;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client-certificate authentication of a host, as ingress-nginx's {@code auth-tls-*} annotations
 * configure nginx: the handshake of the host asked for a certificate and accepted whatever came
 * (see {@code ClientCertificateContext}); here, per request, the certificate is verified against
 * the host's CA (once per TLS session, the verdict is kept in it) and:
 *
 * <ul>
 *   <li>{@code on}: none sent is 400 "No required SSL certificate was sent", a bad one 400 "The SSL
 *       certificate error";
 *   <li>{@code optional}: none is fine ({@code NONE}), a bad one is 400;
 *   <li>{@code optional_no_ca}: anything goes, the verification's outcome is passed upstream;
 *   <li>{@code off}: nothing is asked, {@code NONE} is passed upstream.
 * </ul>
 *
 * The backend gets {@code ssl-client-verify}, {@code ssl-client-subject-dn}, {@code
 * ssl-client-issuer-dn} and, with {@code passCertificateToUpstream}, {@code ssl-client-cert};
 * whatever the client sent under those names is removed first, on every request of the host.
 *
 * <p>As nginx, a request whose connection negotiated another host by SNI is 421 Misdirected Request
 * (an HTTP/2 connection reused for a second host would otherwise never present a certificate); the
 * client then opens a connection for this host. A request over plain HTTP has no certificate:
 * {@code on} refuses it (nginx would not check it at all; redirect to HTTPS first). When the CA
 * Secret is unavailable, every request of the host is 503: fail closed.
 */
public final class ClientCertificateAuth implements RequestPolicy {
  private static final Logger log = LoggerFactory.getLogger(ClientCertificateAuth.class);

  static final AsciiString VERIFY = AsciiString.cached("ssl-client-verify");
  static final AsciiString SUBJECT_DN = AsciiString.cached("ssl-client-subject-dn");
  static final AsciiString ISSUER_DN = AsciiString.cached("ssl-client-issuer-dn");
  static final AsciiString CERTIFICATE = AsciiString.cached("ssl-client-cert");

  static final LocalResponse MISSING = badRequest("No required SSL certificate was sent");
  static final LocalResponse INVALID = badRequest("The SSL certificate error");
  static final LocalResponse MISDIRECTED =
      LocalResponse.text(HttpResponseStatus.MISDIRECTED_REQUEST);
  static final LocalResponse UNAVAILABLE =
      LocalResponse.text(HttpResponseStatus.SERVICE_UNAVAILABLE);

  // Session value under which a session's verdict is kept, with the verifier that made it.
  private static final String VERDICT = "weir.client-certificate";

  private final String host;
  private final ClientVerify mode;
  private final boolean passCertificate;
  private final ClientCertificateVerifier verifier;
  private final boolean unusable;
  private final Clock clock;

  ClientCertificateAuth(String host, ClientAuth auth, Clock clock) {
    this.host = HostName.normalise(host);
    this.mode = auth.verify();
    this.passCertificate = auth.passCertificateToUpstream();
    this.verifier = ClientCertificateVerifier.of(auth);
    this.unusable = verifier.unusable() != null;
    this.clock = clock;
  }

  /**
   * The policies {@code host}'s client authentication needs: none without it. Compiled once per
   * snapshot per host; a host that fails closed is reported here, once per compile.
   */
  public static RequestPolicies forHost(VirtualHost host) {
    if (host.clientAuth() == null) {
      return RequestPolicies.NONE;
    }
    ClientCertificateAuth policy =
        new ClientCertificateAuth(host.host(), host.clientAuth(), Clock.systemUTC());
    if (policy.unusable) {
      log.warn(
          "event=client_auth_unavailable host={} action=answer_503 reason=\"{}\"",
          policy.host,
          policy.verifier.unusable());
    }
    return RequestPolicies.of(List.of(policy));
  }

  @Override
  public LocalResponse apply(ProxiedRequest request) {
    HttpHeaders headers = request.headers();
    headers.remove(VERIFY);
    headers.remove(SUBJECT_DN);
    headers.remove(ISSUER_DN);
    headers.remove(CERTIFICATE);
    if (unusable) {
      return UNAVAILABLE;
    }
    if (mode == ClientVerify.OFF) {
      headers.set(VERIFY, "NONE");
      return null;
    }
    SSLSession session = request.tlsSession();
    Verdict verdict;
    if (session == null) {
      verdict = verifier.verify(null, clock.instant());
    } else {
      String serverName = serverName(session);
      if (serverName != null && !covers(serverName)) {
        return MISDIRECTED;
      }
      verdict = verdict(session);
    }
    if (verdict.refusal() != null) {
      return verdict.refusal() == ClientCertificateVerifier.Refusal.MISSING ? MISSING : INVALID;
    }
    headers.set(VERIFY, verdict.verify());
    // nginx leaves a header out when its variable is empty: no certificate, no names.
    if (verdict.subjectDn() != null) {
      headers.set(SUBJECT_DN, verdict.subjectDn());
      headers.set(ISSUER_DN, verdict.issuerDn());
      if (passCertificate) {
        headers.set(CERTIFICATE, verdict.escapedCertificate());
      }
    }
    return null;
  }

  private Verdict verdict(SSLSession session) {
    if (session.getValue(VERDICT) instanceof Kept kept && kept.verifier == verifier) {
      return kept.verdict;
    }
    Verdict verdict = verifier.verify(peerCertificates(session), clock.instant());
    session.putValue(VERDICT, new Kept(verifier, verdict));
    return verdict;
  }

  private static X509Certificate[] peerCertificates(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    X509Certificate[] x509 = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      if (!(chain[i] instanceof X509Certificate c)) {
        return null;
      }
      x509[i] = c;
    }
    return x509;
  }

  private static String serverName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      for (SNIServerName name : extended.getRequestedServerNames()) {
        if (name instanceof SNIHostName hostName) {
          return hostName.getAsciiName();
        }
      }
    }
    return null;
  }

  /** Whether the SNI name {@code serverName} selects this host, exactly or by its wildcard. */
  private boolean covers(String serverName) {
    String name = HostName.normalise(serverName);
    if (name.equals(host)) {
      return true;
    }
    String parent = HostName.wildcardParent(name);
    return HostName.isWildcard(host) && parent != null && host.equals("*." + parent);
  }

  private static LocalResponse badRequest(String reason) {
    HttpHeaders headers =
        new DefaultHttpHeaders().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return LocalResponse.of(
        HttpResponseStatus.BAD_REQUEST,
        headers,
        ("400 Bad Request: " + reason + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private record Kept(ClientCertificateVerifier verifier, Verdict verdict) {}

  @Override
  public String toString() {
    return "ClientCertificateAuth[" + host + ", " + verifier + "]";
  }
}
