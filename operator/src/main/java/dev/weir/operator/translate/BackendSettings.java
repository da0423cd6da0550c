package dev.weir.operator.translate;

import dev.weir.contract.snapshot.Backend;
import dev.weir.contract.snapshot.BalancePolicy;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.HashKey;
import dev.weir.contract.snapshot.UpstreamProtocol;
import dev.weir.contract.snapshot.UpstreamTls;
import dev.weir.operator.annotations.BackendAnnotations;
import dev.weir.operator.annotations.SecretRef;
import dev.weir.operator.annotations.UpstreamTlsAnnotations;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The backend-level annotations ({@code backend-protocol}, {@code proxy-ssl-*}, {@code
 * load-balance}, {@code upstream-hash-by}) as snapshot backends.
 *
 * <p>Several Ingresses may route to one Service port with different settings. ingress-nginx builds
 * each upstream once, from the first Ingress that refers to it, so a later Ingress silently loses
 * what it wrote. Weir gives each distinct set of settings its own backend instead: the plain id
 * {@code namespace/service:port} for the defaults, {@code namespace/service:port@tags-digest} for
 * others (tags say what differs, {@code https}, {@code grpcs}, {@code ewma}, {@code hash}, {@code
 * svc} for {@code service-upstream}; the digest tells apart two of the same tags). Each Ingress
 * gets what it wrote, and since the id decides the settings, a backend still depends only on its
 * Service, EndpointSlices and the Secret its settings name, never on which other Ingresses use it.
 */
final class BackendSettings {
  private static final String UPSTREAM_FAILS_CLOSED = "requests to the backend answer 502";

  private BackendSettings() {}

  /** The id of backend {@code baseId} with {@code settings}. */
  static String id(String baseId, BackendAnnotations settings) {
    if (settings.equals(BackendAnnotations.NONE)) {
      return baseId;
    }
    List<String> tags = new ArrayList<>();
    if (settings.protocol() != UpstreamProtocol.HTTP) {
      tags.add(settings.protocol().name().toLowerCase(Locale.ROOT));
    }
    switch (settings.loadBalance()) {
      case EWMA -> tags.add("ewma");
      case ROUND_ROBIN -> {}
    }
    if (settings.hashBy().isPresent()) {
      tags.add("hash");
    }
    if (settings.serviceUpstream()) {
      tags.add("svc");
    }
    return baseId + "@" + String.join("+", tags) + "-" + digest(describe(settings));
  }

  /** Every setting, in a fixed form: what the digest of an id covers. */
  private static String describe(BackendAnnotations s) {
    StringBuilder out = new StringBuilder(s.protocol().name());
    s.tls()
        .ifPresent(
            t ->
                out.append(" tls=")
                    .append(t.secret().map(SecretRef::toString).orElse("(refused)"))
                    .append(",verify=")
                    .append(t.verify())
                    .append(",depth=")
                    .append(t.verifyDepth())
                    .append(",name=")
                    .append(t.serverName().orElse(""))
                    .append(",sni=")
                    .append(t.sendServerName()));
    out.append(" lb=").append(s.loadBalance());
    s.hashBy().ifPresent(h -> out.append(" hash=").append(expression(h)));
    if (s.serviceUpstream()) {
      out.append(" service-upstream");
    }
    return out.toString();
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A hash key in ingress-nginx's syntax again, as {@link Backend#hashBy()} carries it. */
  static String expression(HashKey key) {
    StringBuilder out = new StringBuilder();
    for (HashKey.Part part : key.parts()) {
      if (part instanceof HashKey.Text text) {
        out.append(text.text());
      } else if (part instanceof HashKey.Variable v) {
        out.append("${").append(variable(v)).append('}');
      }
    }
    return out.toString();
  }

  private static String variable(HashKey.Variable v) {
    return switch (v.source()) {
      case REQUEST_URI -> "request_uri";
      case URI -> "uri";
      case ARGS -> "args";
      case REMOTE_ADDR -> "remote_addr";
      case HOST -> "host";
      case SCHEME -> "scheme";
      case REQUEST_METHOD -> "request_method";
      case HEADER -> "http_" + v.name().replace('-', '_');
      case COOKIE -> "cookie_" + v.name();
      case ARG -> "arg_" + v.name();
    };
  }

  /**
   * The balancing policy of {@code settings}: a hash key wins over {@code load-balance}, as in
   * ingress-nginx's balancer.
   */
  static BalancePolicy policy(BackendAnnotations settings) {
    if (settings.hashBy().isPresent()) {
      return BalancePolicy.CONSISTENT_HASH;
    }
    return switch (settings.loadBalance()) {
      case ROUND_ROBIN -> BalancePolicy.ROUND_ROBIN;
      case EWMA -> BalancePolicy.EWMA;
    };
  }

  /**
   * {@link Backend#hashBy()}: the expression of a present hash key, which is also what makes {@link
   * #policy} consistent hashing.
   */
  static String hashBy(BackendAnnotations settings) {
    return settings.hashBy().map(BackendSettings::expression).orElse(null);
  }

  /**
   * The Secret the settings need ({@code proxy-ssl-secret}), or null.
   *
   * @see #apply
   */
  static SecretRef secret(BackendAnnotations settings) {
    return settings.tls().flatMap(UpstreamTlsAnnotations::secret).orElse(null);
  }

  /**
   * A backend's settings applied.
   *
   * @param clientCertificate the certificate it presents to its pods, to ship in the snapshot; null
   *     when none
   * @param problem what is wrong with its Secret, reported to each user; null when nothing is
   */
  record Applied(Backend backend, Certificate clientCertificate, BackendResolver.Problem problem) {}

  /**
   * {@code resolved} (endpoints, defaults) with {@code settings}; {@code secret} is the Secret
   * {@link #secret} names (null: missing or none).
   */
  static Applied apply(Backend resolved, BackendAnnotations settings, Secret secret) {
    if (settings.equals(BackendAnnotations.NONE)) {
      return new Applied(resolved, null, null);
    }
    Backend.Builder backend =
        resolved.toBuilder()
            .protocol(settings.protocol())
            .policy(policy(settings))
            .hashBy(hashBy(settings));
    if (settings.tls().isEmpty()) {
      return new Applied(backend.build(), null, null);
    }
    UpstreamTlsAnnotations tls = settings.tls().get();
    if (tls.failsClosed()) {
      // The refused reference has its diagnostic from the annotation's reading.
      return new Applied(backend.tls(UpstreamTls.failClosed()).build(), null, null);
    }
    ReferencedSecrets.Read read =
        ReferencedSecrets.read(
            tls.secret().get(), secret, "proxy-ssl-secret", true, UPSTREAM_FAILS_CLOSED);
    if (!read.usable()) {
      return new Applied(
          backend.tls(UpstreamTls.failClosed()).build(),
          null,
          new BackendResolver.Problem(read.problem(), read.message()));
    }
    Certificate client = read.clientCertificate();
    return new Applied(
        backend
            .tls(
                new UpstreamTls(
                    read.caCertificates(),
                    tls.verify(),
                    tls.verifyDepth(),
                    tls.serverName().orElse(null),
                    tls.sendServerName(),
                    client == null ? null : client.id(),
                    false))
            .build(),
        client,
        null);
  }
}
