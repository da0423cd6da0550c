package dev.weir.operator.translate;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** Generated key pairs and the TLS Secrets that carry them. */
final class TestCertificates {
  private static final X509Bundle CA;

  static {
    try {
      CA =
          new CertificateBuilder()
              .subject("CN=Weir Test CA")
              .setIsCertificateAuthority(true)
              .ecp256()
              .buildSelfSigned();
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private TestCertificates() {}

  static X509Bundle ec(String host, Instant notBefore, Instant notAfter) {
    return build(new CertificateBuilder().ecp256(), host, notBefore, notAfter);
  }

  /** An EC certificate for {@code host} (its common name too) and {@code moreNames}. */
  static X509Bundle ecFor(Instant notBefore, Instant notAfter, String host, String... moreNames) {
    try {
      CertificateBuilder builder =
          new CertificateBuilder()
              .ecp256()
              .subject("CN=" + host)
              .addSanDnsName(host)
              .notBefore(notBefore)
              .notAfter(notAfter);
      for (String name : moreNames) {
        builder.addSanDnsName(name);
      }
      return builder.buildIssuedBy(CA);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static X509Bundle rsa(String host, Instant notBefore, Instant notAfter) {
    return build(new CertificateBuilder().rsa2048(), host, notBefore, notAfter);
  }

  private static X509Bundle build(
      CertificateBuilder builder, String host, Instant notBefore, Instant notAfter) {
    try {
      return builder
          .subject("CN=" + host)
          .addSanDnsName(host)
          .notBefore(notBefore)
          .notAfter(notAfter)
          .buildIssuedBy(CA);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key in OpenSSL's traditional form: PKCS#1 for RSA, SEC1 for EC. */
  static String traditionalKeyPem(X509Bundle bundle) {
    if (bundle.getKeyPair().getPrivate().getAlgorithm().equals("EC")) {
      return sec1(bundle);
    }
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(bundle.getKeyPair().getPrivate());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /**
   * SEC1 with the curve named inside, as {@code openssl ec} writes it. (The JDK's PKCS#8 encoding
   * keeps the curve only in the outer algorithm identifier, so a plain conversion would lose it.)
   */
  private static String sec1(X509Bundle bundle) {
    try {
      var info = PrivateKeyInfo.getInstance(bundle.getKeyPair().getPrivate().getEncoded());
      var inner = ECPrivateKey.getInstance(info.parsePrivateKey());
      var sec1 =
          new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
      return "-----BEGIN EC PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(sec1.getEncoded())
          + "\n-----END EC PRIVATE KEY-----\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A kubernetes.io/tls Secret as YAML, with base64 data. */
  static String secret(String namespace, String name, String certificatePem, String keyPem) {
    Base64.Encoder b64 = Base64.getEncoder();
    return "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\ndata:\n  tls.crt: "
        + b64.encodeToString(certificatePem.getBytes())
        + "\n  tls.key: "
        + b64.encodeToString(keyPem.getBytes())
        + "\n";
  }

  static String secret(String namespace, String name, X509Bundle bundle) {
    return secret(namespace, name, bundle.getCertificatePEM(), bundle.getPrivateKeyPEM());
  }

  /**
   * An Opaque Secret as YAML, with base64 data, holding {@code fields} (name, PEM, name, PEM...):
   * how CA bundles for annotations usually come.
   */
  static String opaqueSecret(String namespace, String name, String... fields) {
    Base64.Encoder b64 = Base64.getEncoder();
    StringBuilder yaml =
        new StringBuilder("apiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata: {name: ")
            .append(name)
            .append(", namespace: ")
            .append(namespace)
            .append("}\ndata:\n");
    for (int i = 0; i < fields.length; i += 2) {
      yaml.append("  ")
          .append(fields[i])
          .append(": ")
          .append(b64.encodeToString(fields[i + 1].getBytes()))
          .append('\n');
    }
    return yaml.toString();
  }
}
