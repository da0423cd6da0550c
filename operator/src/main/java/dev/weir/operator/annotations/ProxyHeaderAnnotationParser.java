package dev.weir.operator.annotations;

import dev.weir.contract.snapshot.HeaderRewrite;
import dev.weir.contract.snapshot.ProxyHeaders;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code upstream-vhost}, {@code proxy-redirect-from}/{@code -to}, {@code
 * proxy-cookie-domain}, {@code proxy-cookie-path} and {@code proxy-http-version} with
 * ingress-nginx's validators and its template's rules: a redirect rewrite needs both values, {@code
 * off} and {@code default} turn it off (nginx's {@code default} names {@code
 * http://upstream_balancer/}, which no pod sends), and a cookie rewrite is {@code off} or a {@code
 * from to} pair.
 */
final class ProxyHeaderAnnotationParser {
  static final List<String> SUPPORTED =
      List.of(
          "upstream-vhost",
          "proxy-redirect-from",
          "proxy-redirect-to",
          "proxy-cookie-domain",
          "proxy-cookie-path",
          "proxy-http-version");

  // parser.IsValidRegex (ValidateServerName), less '$': nginx would read a variable there.
  private static final Pattern SERVER_NAME =
      Pattern.compile("[-._~a-zA-Z0-9/:^\\[\\](){}*+?|&=\\\\]+");
  // parser.URLIsValidRegex, for proxy-redirect-* and proxy-cookie-path.
  private static final Pattern URL_CHARS = Pattern.compile("[-._~a-zA-Z0-9/:,?&=]+");
  // proxy/main.go's cookieDomainChars.
  private static final Pattern DOMAIN_CHARS = Pattern.compile("[-._~a-zA-Z0-9/:]+");

  private final AnnotationReader reader;

  ProxyHeaderAnnotationParser(AnnotationReader reader) {
    this.reader = reader;
  }

  Optional<ProxyHeaders> parse() {
    String host = host();
    HeaderRewrite redirect = redirect();
    HeaderRewrite cookieDomain = pair("proxy-cookie-domain", DOMAIN_CHARS);
    HeaderRewrite cookiePath = pair("proxy-cookie-path", URL_CHARS);
    httpVersion();
    if (host == null && redirect == null && cookieDomain == null && cookiePath == null) {
      return Optional.empty();
    }
    return Optional.of(new ProxyHeaders(host, null, null, redirect, cookieDomain, cookiePath));
  }

  private String host() {
    Optional<String> value = reader.string("upstream-vhost").map(String::trim);
    if (value.isPresent() && !SERVER_NAME.matcher(value.get()).matches()) {
      reader.reject(
          "upstream-vhost",
          "is not a server name (letters, digits and -._~/: only; nginx variables such as $host"
              + " are not expanded)");
      return null;
    }
    return value.orElse(null);
  }

  /** nginx's {@code proxy_redirect from to} as ingress-nginx's template writes it, or null. */
  private HeaderRewrite redirect() {
    Optional<String> from = url("proxy-redirect-from");
    Optional<String> to = url("proxy-redirect-to");
    if (from.isEmpty() || from.get().equals("off") || from.get().equals("default")) {
      return null;
    }
    if (to.isEmpty() || to.get().equals("off")) {
      return null;
    }
    return new HeaderRewrite(from.get(), to.get());
  }

  private Optional<String> url(String suffix) {
    Optional<String> value = reader.string(suffix).map(String::trim);
    if (value.isPresent() && !URL_CHARS.matcher(value.get()).matches()) {
      reader.reject(suffix, "is not one URL prefix (letters, digits and -._~/:,?&= only)");
      return Optional.empty();
    }
    return value;
  }

  /** {@code off}, or two words: nginx's {@code proxy_cookie_* from to}. */
  private HeaderRewrite pair(String suffix, Pattern chars) {
    Optional<String> value = reader.string(suffix).map(String::trim);
    if (value.isEmpty() || value.get().equals("off")) {
      return null;
    }
    String[] words = value.get().split("\\s+");
    if (words.length != 2
        || !chars.matcher(words[0]).matches()
        || !chars.matcher(words[1]).matches()) {
      reader.reject(
          suffix, "is neither \"off\" nor two words: what to replace and its replacement");
      return null;
    }
    return new HeaderRewrite(words[0], words[1]);
  }

  private void httpVersion() {
    Optional<String> value = reader.string("proxy-http-version").map(String::trim);
    if (value.isEmpty() || value.get().equals("1.1")) {
      return;
    }
    if (!value.get().equals("1.0")) {
      reader.reject("proxy-http-version", "is neither \"1.0\" nor \"1.1\"");
      return;
    }
    reader.ignored(
        "proxy-http-version",
        "Weir always speaks HTTP/1.1 to pods, with keep-alive; \"1.0\" is not applied");
  }
}
