import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Generates a scale test configuration: N Ingresses (one host each), N TLS Secrets (every one
 * with its own ECDSA P-256 key and certificate, signed by one generated CA), N Services and N
 * EndpointSlices with M endpoints each, as Kubernetes YAML for the operator's standalone mode,
 * and the same configuration as one data-plane snapshot file.
 *
 * <p>Run as a single-file source program (JDK 17, no dependencies):
 *
 * <pre>java bench/GenManifests.java --ingresses 10000 --endpoints 4 --out /tmp/scale</pre>
 *
 * <p>Keys and certificates come from the JDK (KeyPairGenerator, SHA256withECDSA) and a minimal DER
 * encoder below, not from N openssl processes: 10,000 keys take seconds instead of minutes. The
 * keys are for benchmarks only; the CA's key is not written anywhere.
 */
public final class GenManifests {

  public static void main(String[] args) throws Exception {
    int ingresses = 100;
    int endpoints = 2;
    Path out = null;
    String namespace = "bench";
    String domain = "scale.weir.test";
    String ingressClass = "weir";
    String controller = "weir.dev/ingress-controller";
    int endpointPort = 18080;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--ingresses" -> ingresses = Integer.parseInt(args[++i]);
        case "--endpoints" -> endpoints = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--namespace" -> namespace = args[++i];
        case "--domain" -> domain = args[++i];
        case "--ingress-class" -> ingressClass = args[++i];
        case "--controller" -> controller = args[++i];
        case "--endpoint-port" -> endpointPort = Integer.parseInt(args[++i]);
        case "-h", "--help" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("GenManifests: unknown argument '" + a + "'");
          usage();
          System.exit(1);
        }
      }
    }
    if (out == null || ingresses < 1 || endpoints < 1 || endpoints > 254 * 254) {
      usage();
      System.exit(1);
    }
    new GenManifests(ingresses, endpoints, out, namespace, domain, ingressClass, controller,
        endpointPort).write();
  }

  private static void usage() {
    System.err.println("""
        usage: java bench/GenManifests.java --out DIR [--ingresses N] [--endpoints M]
               [--namespace bench] [--domain scale.weir.test] [--ingress-class weir]
               [--controller weir.dev/ingress-controller] [--endpoint-port 18080]

        Writes DIR/manifests/*.yaml (IngressClass, N Ingresses, N TLS Secrets, N Services,
        N EndpointSlices of M endpoints), DIR/snapshot.json (the same as a data-plane snapshot),
        DIR/ca.pem (the CA that signed every certificate) and DIR/hosts.txt (one host a line).
        Host i is app-i.<domain>; its endpoints are 127.0.a.b:<endpoint-port> for the first M
        loopback addresses from 127.0.0.1 on (bind a backend to them to serve real traffic).""");
  }

  private final int n;
  private final int m;
  private final Path out;
  private final String namespace;
  private final String domain;
  private final String ingressClass;
  private final String controller;
  private final int endpointPort;
  private final SecureRandom random = new SecureRandom();
  private final KeyPairGenerator keys;

  private GenManifests(int n, int m, Path out, String namespace, String domain,
      String ingressClass, String controller, int endpointPort) throws GeneralSecurityException {
    this.n = n;
    this.m = m;
    this.out = out;
    this.namespace = namespace;
    this.domain = domain;
    this.ingressClass = ingressClass;
    this.controller = controller;
    this.endpointPort = endpointPort;
    this.keys = KeyPairGenerator.getInstance("EC");
    keys.initialize(new ECGenParameterSpec("secp256r1"), random);
  }

  private String host(int i) {
    return "app-" + i + "." + domain;
  }

  private static String endpointAddress(int j) {
    return "127.0." + (j / 254) + "." + (j % 254 + 1);
  }

  private void write() throws Exception {
    long start = System.nanoTime();
    Path manifests = out.resolve("manifests");
    Files.createDirectories(manifests);

    KeyPair caKey = keys.generateKeyPair();
    byte[] caName = name("Weir scale benchmark CA (do not trust)");
    byte[] caCert = certificate(BigInteger.ONE, caName, caName, caKey.getPublic().getEncoded(),
        caKey.getPrivate(), null, true);
    Files.writeString(out.resolve("ca.pem"), pem("CERTIFICATE", caCert));

    try (Writer ingressYaml = Files.newBufferedWriter(manifests.resolve("ingresses.yaml"));
        Writer secretYaml = Files.newBufferedWriter(manifests.resolve("secrets.yaml"));
        Writer serviceYaml = Files.newBufferedWriter(manifests.resolve("services.yaml"));
        Writer sliceYaml = Files.newBufferedWriter(manifests.resolve("endpointslices.yaml"));
        Writer hosts = Files.newBufferedWriter(out.resolve("hosts.txt"));
        Writer snapshot = Files.newBufferedWriter(out.resolve("snapshot.json"))) {

      Files.writeString(manifests.resolve("ingressclass.yaml"), """
          apiVersion: networking.k8s.io/v1
          kind: IngressClass
          metadata:
            name: %s
          spec:
            controller: %s
          """.formatted(ingressClass, controller));

      List<String> virtualHosts = new ArrayList<>(n);
      List<String> backends = new ArrayList<>(n);
      List<String> certificates = new ArrayList<>(n);
      StringBuilder endpointsJson = new StringBuilder();
      StringBuilder endpointsYaml = new StringBuilder();
      for (int j = 0; j < m; j++) {
        endpointsJson.append(j == 0 ? "" : ", ").append("{ \"address\": \"")
            .append(endpointAddress(j)).append("\", \"port\": ").append(endpointPort).append(" }");
        endpointsYaml.append("- addresses: [\"").append(endpointAddress(j))
            .append("\"]\n  conditions: {ready: true, serving: true, terminating: false}\n");
      }

      for (int i = 0; i < n; i++) {
        String host = host(i);
        String app = "app-" + i;
        String secret = app + "-tls";
        KeyPair key = keys.generateKeyPair();
        byte[] cert = certificate(BigInteger.valueOf(i + 2L), caName,
            name(host), key.getPublic().getEncoded(), caKey.getPrivate(), host, false);
        String certPem = pem("CERTIFICATE", cert);
        String keyPem = pem("PRIVATE KEY", key.getPrivate().getEncoded());

        hosts.write(host + "\n");
        ingressYaml.write("""
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: %1$s
              namespace: %2$s
            spec:
              ingressClassName: %3$s
              tls:
              - hosts: ["%4$s"]
                secretName: %5$s
              rules:
              - host: %4$s
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: %1$s
                        port:
                          number: 80
            """.formatted(app, namespace, ingressClass, host, secret));
        secretYaml.write("""
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: %s
              namespace: %s
            type: kubernetes.io/tls
            data:
              tls.crt: %s
              tls.key: %s
            """.formatted(secret, namespace, base64(certPem), base64(keyPem)));
        serviceYaml.write("""
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: %s
              namespace: %s
            spec:
              selector:
                app: %1$s
              ports:
              - name: http
                port: 80
                targetPort: %d
                protocol: TCP
            """.formatted(app, namespace, endpointPort));
        sliceYaml.write("""
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: %1$s-1
              namespace: %2$s
              labels:
                kubernetes.io/service-name: %1$s
            addressType: IPv4
            ports:
            - name: http
              port: %3$d
              protocol: TCP
            endpoints:
            """.formatted(app, namespace, endpointPort) + endpointsYaml);

        String backendId = namespace + "/" + app + ":80";
        String certId = namespace + "/" + secret;
        virtualHosts.add("    { \"host\": \"" + host + "\", \"certificate\": \"" + certId
            + "\", \"routes\": [ { \"pathType\": \"Prefix\", \"path\": \"/\", \"backend\": \""
            + backendId + "\" } ] }");
        backends.add("    { \"id\": \"" + backendId + "\", \"endpoints\": [ " + endpointsJson
            + " ] }");
        certificates.add("    { \"id\": \"" + certId + "\", \"certificateChain\": \""
            + jsonLines(certPem) + "\", \"privateKey\": \"" + jsonLines(keyPem) + "\" }");
      }

      snapshot.write("{\n  \"schemaVersion\": 1,\n  \"version\": 1,\n  \"virtualHosts\": [\n");
      snapshot.write(String.join(",\n", virtualHosts));
      snapshot.write("\n  ],\n  \"backends\": [\n");
      snapshot.write(String.join(",\n", backends));
      snapshot.write("\n  ],\n  \"certificates\": [\n");
      snapshot.write(String.join(",\n", certificates));
      snapshot.write("\n  ]\n}\n");
    }
    System.err.printf("GenManifests: %d Ingresses, %d certificates, %d endpoints each -> %s (%d ms)%n",
        n, n, m, out, (System.nanoTime() - start) / 1_000_000);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static String jsonLines(String pem) {
    return pem.replace("\n", "\\n");
  }

  // ---- a minimal DER encoder: just what an X.509 v3 certificate with ECDSA needs

  private static final byte[] OID_ECDSA_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
  private static final byte[] OID_COMMON_NAME = oid(2, 5, 4, 3);
  private static final byte[] OID_SUBJECT_ALT_NAME = oid(2, 5, 29, 17);
  private static final byte[] OID_BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
  private static final byte[] OID_KEY_USAGE = oid(2, 5, 29, 15);
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

  private byte[] certificate(BigInteger serial, byte[] issuer, byte[] subject, byte[] spki,
      PrivateKey signer, String dnsName, boolean ca) throws GeneralSecurityException {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
    byte[] algorithm = seq(OID_ECDSA_SHA256);
    List<byte[]> extensions = new ArrayList<>();
    if (ca) {
      extensions.add(seq(OID_BASIC_CONSTRAINTS, tlv(0x01, new byte[] {(byte) 0xff}),
          tlv(0x04, seq(tlv(0x01, new byte[] {(byte) 0xff})))));
      // keyCertSign, cRLSign
      extensions.add(seq(OID_KEY_USAGE, tlv(0x01, new byte[] {(byte) 0xff}),
          tlv(0x04, tlv(0x03, new byte[] {1, 0x06}))));
    } else {
      extensions.add(seq(OID_SUBJECT_ALT_NAME,
          tlv(0x04, seq(tlv(0x82, dnsName.getBytes(StandardCharsets.US_ASCII))))));
      // digitalSignature
      extensions.add(seq(OID_KEY_USAGE, tlv(0x01, new byte[] {(byte) 0xff}),
          tlv(0x04, tlv(0x03, new byte[] {7, (byte) 0x80}))));
    }
    byte[] tbs = seq(
        tlv(0xa0, tlv(0x02, new byte[] {2})),                      // version v3
        tlv(0x02, serial.toByteArray()),
        algorithm,
        issuer,
        seq(utcTime(now.minusDays(1)), utcTime(now.plusDays(365))),
        subject,
        spki,                                                      // already DER SubjectPublicKeyInfo
        tlv(0xa3, seq(extensions.toArray(byte[][]::new))));
    Signature signature = Signature.getInstance("SHA256withECDSA");
    signature.initSign(signer, random);
    signature.update(tbs);
    byte[] sig = signature.sign();                                 // DER Ecdsa-Sig-Value
    byte[] bitString = new byte[sig.length + 1];
    System.arraycopy(sig, 0, bitString, 1, sig.length);
    return seq(tbs, algorithm, tlv(0x03, bitString));
  }

  private static byte[] name(String commonName) {
    return seq(tlv(0x31, seq(OID_COMMON_NAME, tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] utcTime(ZonedDateTime t) {
    return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(int... arcs) {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int v = arcs[i];
      int shift = 28;
      while (shift > 0 && (v >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        body.write(0x80 | ((v >>> shift) & 0x7f));
      }
      body.write(v & 0x7f);
    }
    return tlv(0x06, body.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static byte[] tlv(int tag, byte[] value) {
    int len = value.length;
    byte[] header;
    if (len < 0x80) {
      header = new byte[] {(byte) tag, (byte) len};
    } else if (len < 0x100) {
      header = new byte[] {(byte) tag, (byte) 0x81, (byte) len};
    } else if (len < 0x10000) {
      header = new byte[] {(byte) tag, (byte) 0x82, (byte) (len >> 8), (byte) len};
    } else {
      header = new byte[] {(byte) tag, (byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }
    return concat(header, value);
  }
}
