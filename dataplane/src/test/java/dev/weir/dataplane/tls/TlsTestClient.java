package dev.weir.dataplane.tls;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A blocking JDK TLS client over loopback. Connections made through one instance share the JDK's
 * client session cache, which SSLSocket keys by host and the socket's real port: a second
 * connection to the same server is offered the first one's session. (To offer a session to another
 * server, as to another replica behind one address, use {@link NettyTlsClient}.)
 */
final class TlsTestClient {
  private final SSLContext context;
  private final List<String> cipherSuites;

  private TlsTestClient(SSLContext context) {
    this(context, null);
  }

  private TlsTestClient(SSLContext context, List<String> cipherSuites) {
    this.context = context;
    this.cipherSuites = cipherSuites;
  }

  /** The same client offering only {@code suites}, in that order of preference. */
  TlsTestClient withCipherSuites(List<String> suites) {
    return new TlsTestClient(context, List.copyOf(suites));
  }

  /** Verifies the server chain against {@code trust}. */
  static TlsTestClient trusting(X509TrustManager trust) {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {trust}, null);
      return new TlsTestClient(c);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Accepts any chain: for tests that inspect which certificate was served, not trust it. */
  static TlsTestClient acceptingAnyCertificate() {
    return trusting(
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        });
  }

  record Connection(X509Certificate served, String serverLine, String protocol, String alpn) {
    boolean resumed() {
      return serverLine.contains("resumed=true");
    }
  }

  /** Handshake with SNI {@code sni} (none when null), TLS 1.3 and 1.2, ALPN h2 and http/1.1. */
  Connection connect(int port, String sni) throws Exception {
    return connect(port, sni, List.of("TLSv1.3", "TLSv1.2"), List.of("http/1.1", "h2"), false);
  }

  Connection connect(
      int port, String sni, List<String> protocols, List<String> alpn, boolean verifyHostname)
      throws Exception {
    String sessionHost = sni == null ? "no-sni.test" : sni;
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      plain.setSoTimeout(5_000);
      try (SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(plain, sessionHost, 443, false)) {
        SSLParameters params = tls.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        params.setProtocols(protocols.toArray(String[]::new));
        params.setApplicationProtocols(alpn.toArray(String[]::new));
        if (cipherSuites != null) {
          params.setCipherSuites(cipherSuites.toArray(String[]::new));
          params.setUseCipherSuitesOrder(true);
        }
        if (verifyHostname) {
          params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        tls.setSSLParameters(params);
        tls.startHandshake();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        try {
          line = in.readLine();
        } catch (SocketTimeoutException e) {
          throw new AssertionError("server wrote no handshake report within 5s", e);
        }
        return new Connection(
            (X509Certificate) tls.getSession().getPeerCertificates()[0],
            line,
            tls.getSession().getProtocol(),
            tls.getApplicationProtocol());
      }
    }
  }
}
