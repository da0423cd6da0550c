package dev.weir.contract.snapshot;

import java.util.Objects;

/**
 * HTTP basic authentication of a route (ingress-nginx's {@code auth-type: basic}): a request
 * without valid credentials gets 401 with {@code WWW-Authenticate: Basic realm="..."}, and the
 * {@code Authorization} header never goes upstream.
 *
 * @param realm the realm shown to the user; absent: empty, as ingress-nginx's default
 * @param users htpasswd lines ({@code user:hash}; bcrypt, apr1, {SHA}), secret material: never
 *     printed
 */
public record BasicAuth(String realm, SecretValue users) {
  public BasicAuth {
    realm = Objects.requireNonNullElse(realm, "");
    Objects.requireNonNull(users, "users");
  }
}
