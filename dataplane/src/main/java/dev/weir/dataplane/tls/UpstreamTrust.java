package dev.weir.dataplane.tls;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of a verifying upstream context ({@code proxy-ssl-verify on}): the endpoint's
 * chain must lead to the backend's CA bundle within its depth, and its leaf must be issued for the
 * name the connection was opened for ({@link #expect}), as OpenSSL's {@code X509_check_host} checks
 * for nginx: DNS names of the subject alternative names (a {@code *.} wildcard covers one label),
 * IP address SANs for an IP literal, the subject's CN only when there is no DNS SAN. A failure
 * throws with the reason, which fails the handshake: never a fallback to an unverified connection.
 *
 * <p>The name is bound to each engine when it is made, not passed as the engine's peer host: that
 * one would also be sent as SNI, which {@code proxy-ssl-server-name off} forbids.
 */
final class UpstreamTrust extends X509ExtendedTrustManager {
  private final ChainVerifier chains;
  private final Clock clock;
  // Engine to the name its peer must prove. Identity keys, gone with the engine.
  private final Map<SSLEngine, String> names = Collections.synchronizedMap(new WeakHashMap<>());

  UpstreamTrust(ChainVerifier chains, Clock clock) {
    this.chains = chains;
    this.clock = clock;
  }

  void expect(SSLEngine engine, String name) {
    names.put(engine, name);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no certificate");
    }
    String failure = chains.failure(chain, clock.instant());
    if (failure != null) {
      throw new CertificateException(failure);
    }
    String name = engine == null ? null : names.get(engine);
    if (name == null || !matches(chain[0], name)) {
      throw new CertificateException("certificate does not match \"" + name + "\"");
    }
  }

  /** Whether {@code certificate} is issued for {@code name} (a DNS name or an IP literal). */
  static boolean matches(X509Certificate certificate, String name) {
    String host = name.toLowerCase(Locale.ROOT);
    while (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    boolean ip = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    boolean anyDnsName = false;
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        if (type == 2) {
          anyDnsName = true;
          if (!ip && dnsMatches((String) san.get(1), host)) {
            return true;
          }
        } else if (type == 7 && ip && sameAddress((String) san.get(1), host)) {
          return true;
        }
      }
    }
    if (ip || anyDnsName) {
      return false;
    }
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN") && dnsMatches(rdn.getValue().toString(), host)) {
          return true;
        }
      }
    } catch (InvalidNameException e) {
      return false;
    }
    return false;
  }

  private static boolean dnsMatches(String pattern, String host) {
    String p = pattern.toLowerCase(Locale.ROOT);
    if (p.endsWith(".")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot + 1).equals(p.substring(2));
    }
    return p.equals(host);
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(a))
          .equals(InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(b)));
    } catch (UnknownHostException | RuntimeException e) {
      return false;
    }
  }

  // Only engines are used, only as a client: every other check refuses.
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("only upstream engines are verified here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
