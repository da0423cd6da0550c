package dev.weir.operator.translate;

import dev.weir.contract.snapshot.AccessControl;
import dev.weir.contract.snapshot.BasicAuth;
import dev.weir.contract.snapshot.Cors;
import dev.weir.contract.snapshot.RateLimit;
import dev.weir.contract.snapshot.RouteSettings;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.operator.annotations.AccessAnnotations;
import dev.weir.operator.annotations.AccessAnnotations.BasicAuthAnnotations;
import dev.weir.operator.annotations.SecretRef;
import dev.weir.operator.state.ObjectRef;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CORS, access-control and rate-limit settings one Ingress gives its paths, with the basic-auth
 * Secret read as ingress-nginx reads it: key {@code auth} (an htpasswd file) for {@code auth-file},
 * every key a user and its value the hash for {@code auth-map}. A missing or unusable Secret fails
 * closed.
 *
 * @param cors, access, rateLimit what goes into each path's {@link RouteSettings}; null: none
 * @param secretSeen the password Secret and the instance read (null: missing), or null
 */
record RouteAccess(
    Cors cors, AccessControl access, RateLimit rateLimit, ResolvedHost.SecretSeen secretSeen) {
  static final RouteAccess NONE = new RouteAccess(null, null, null, null);
  static final String AUTH_FILE_KEY = "auth";

  static RouteAccess of(
      AccessAnnotations a,
      ObjectRef ingress,
      ResolvedHost.SecretLookup secrets,
      List<Diagnostic> found) {
    if (a.equals(AccessAnnotations.NONE)) {
      return NONE;
    }
    RateLimit rateLimit =
        a.rateLimit()
            .map(
                r ->
                    new RateLimit(
                        ingress.namespace() + "/" + ingress.name(),
                        r.requestsPerSecond(),
                        r.requestsPerMinute(),
                        r.connections(),
                        r.burstMultiplier(),
                        r.allowSourceRanges(),
                        r.status().orElse(null)))
            .orElse(null);
    ResolvedHost.SecretSeen seen = null;
    AccessControl access = null;
    if (a.failsClosed()) {
      access = AccessControl.UNAVAILABLE;
    } else {
      BasicAuth basicAuth = null;
      boolean unavailable = false;
      if (a.basicAuth().isPresent()) {
        BasicAuthAnnotations auth = a.basicAuth().get();
        SecretRef ref = auth.secret();
        Secret secret = secrets.secret(ref.namespace(), ref.name());
        seen = new ResolvedHost.SecretSeen(ref, secret);
        String users = users(auth, secret, ingress, found);
        if (users == null) {
          unavailable = true;
        } else {
          basicAuth = new BasicAuth(auth.realm(), new SecretValue(users));
        }
      }
      if (unavailable) {
        access = AccessControl.UNAVAILABLE;
      } else if (basicAuth != null
          || !a.denySourceRanges().isEmpty()
          || !a.allowSourceRanges().isEmpty()) {
        access =
            new AccessControl(
                a.denySourceRanges().isEmpty() ? null : a.denySourceRanges(),
                a.allowSourceRanges().isEmpty() ? null : a.allowSourceRanges(),
                basicAuth,
                null);
      }
    }
    return new RouteAccess(a.cors().orElse(null), access, rateLimit, seen);
  }

  RouteSettings applyTo(RouteSettings settings) {
    if (this == NONE) {
      return settings;
    }
    return settings.toBuilder().cors(cors).access(access).rateLimit(rateLimit).build();
  }

  /** The htpasswd lines of the Secret, or null (with a diagnostic) when it gives none. */
  private static String users(
      BasicAuthAnnotations auth, Secret secret, ObjectRef ingress, List<Diagnostic> found) {
    String named = "Secret " + auth.secret() + " (auth-secret)";
    String consequence = "; the Ingress's paths answer 503";
    if (secret == null) {
      found.add(
          new Diagnostic(
              ingress, Reason.SECRET_NOT_FOUND, named + " does not exist" + consequence));
      return null;
    }
    Map<String, String> data = decoded(secret);
    if (data == null) {
      found.add(
          new Diagnostic(
              ingress,
              Reason.INVALID_AUTH_SECRET,
              named + " holds a value that is not base64" + consequence));
      return null;
    }
    String users;
    if (auth.authMap()) {
      StringBuilder lines = new StringBuilder();
      data.forEach(
          (user, hash) -> lines.append(user).append(':').append(hash.strip()).append('\n'));
      users = lines.toString();
    } else {
      users = data.get(AUTH_FILE_KEY);
      if (users == null) {
        found.add(
            new Diagnostic(
                ingress,
                Reason.INVALID_AUTH_SECRET,
                named
                    + " has no key "
                    + AUTH_FILE_KEY
                    + " (auth-secret-type: auth-file)"
                    + consequence));
        return null;
      }
    }
    if (users.isBlank()) {
      found.add(
          new Diagnostic(
              ingress, Reason.INVALID_AUTH_SECRET, named + " lists no user" + consequence));
      return null;
    }
    return users;
  }

  /** {@code data} (base64) with {@code stringData} over it; null if a value is not base64. */
  private static Map<String, String> decoded(Secret secret) {
    Map<String, String> out = new TreeMap<>();
    if (secret.getData() != null) {
      for (Map.Entry<String, String> e : secret.getData().entrySet()) {
        try {
          out.put(
              e.getKey(),
              new String(Base64.getMimeDecoder().decode(e.getValue()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
          return null;
        }
      }
    }
    if (secret.getStringData() != null) {
      out.putAll(secret.getStringData());
    }
    return out;
  }
}
