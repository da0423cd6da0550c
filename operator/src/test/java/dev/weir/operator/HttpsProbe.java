package dev.weir.operator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTPS/1.1 GET on a new connection to a loopback port, as a browser would send it to {@code
 * host}: SNI and Host header {@code host}, the server's chain verified against one CA and its name
 * against {@code host}. Every request makes a full handshake (a fresh client context, so no session
 * is resumed: a resumed session reports the certificate of the session it resumes, not the one the
 * server would serve now).
 */
final class HttpsProbe {
  /** A response read to its end; {@code served} is the leaf the server presented. */
  record Response(int status, String body, X509Certificate served, String head) {
    String subject() {
      return served.getSubjectX500Principal().getName();
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    String header(String name) {
      String prefix = name.toLowerCase(Locale.ROOT) + ":";
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
          return line.substring(prefix.length()).strip();
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return status
          + " from "
          + subject()
          + ": "
          + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
    }
  }

  private final X509TrustManager trust;

  private HttpsProbe(X509TrustManager trust) {
    this.trust = trust;
  }

  static HttpsProbe trusting(X509TrustManager trust) {
    return new HttpsProbe(trust);
  }

  /** Trusts the CA certificate(s) in a PEM file. */
  static HttpsProbe trustingPem(InputStream pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
      store.setCertificateEntry("ca-" + i++, certificate);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return new HttpsProbe(x509);
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }

  Response get(int port, String host, String path) throws Exception {
    return get(port, host, path, "");
  }

  /** As {@link #get(int, String, String)}, with {@code headers} (lines ending in CRLF) added. */
  Response get(int port, String host, String path, String headers) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trust}, null);
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      plain.setSoTimeout(5_000);
      try (SSLSocket tls =
          (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, false)) {
        SSLParameters params = tls.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        tls.startHandshake();
        X509Certificate served = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        tls.getOutputStream()
            .write(
                ("GET "
                        + path
                        + " HTTP/1.1\r\nHost: "
                        + host
                        + "\r\n"
                        + headers
                        + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        tls.getOutputStream().flush();
        return parse(tls.getInputStream().readAllBytes(), served);
      }
    }
  }

  private static Response parse(byte[] raw, X509Certificate served) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || headEnd < 0) {
      throw new IOException("not an HTTP/1.1 response (" + raw.length + " bytes)");
    }
    int status = Integer.parseInt(text.substring(9, 12));
    String rawHead = text.substring(0, headEnd);
    String head = rawHead.toLowerCase(Locale.ROOT);
    String rest = text.substring(headEnd + 4);
    String body;
    if (head.contains("\r\ntransfer-encoding: chunked")) {
      body = dechunk(rest);
    } else {
      int cl = head.indexOf("\r\ncontent-length:");
      if (cl >= 0) {
        int end = head.indexOf("\r\n", cl + 2);
        int length =
            Integer.parseInt(head.substring(cl + 17, end < 0 ? head.length() : end).trim());
        if (rest.length() < length) {
          throw new IOException("body cut short: " + rest.length() + " of " + length + " bytes");
        }
        body = rest.substring(0, length);
      } else {
        body = rest;
      }
    }
    return new Response(
        status,
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
        served,
        rawHead);
  }

  private static String dechunk(String chunked) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      if (lineEnd < 0) {
        throw new IOException("chunked body cut short");
      }
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        return out.toString(StandardCharsets.ISO_8859_1);
      }
      out.writeBytes(
          chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.ISO_8859_1));
      at = lineEnd + 2 + size + 2;
    }
  }
}
