package dev.weir.dataplane.tls;

import dev.weir.contract.tls.SniNames;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SNI name to server {@link SslContext} for one snapshot. Immutable; a new snapshot compiles a new
 * store. Never answers null.
 *
 * <p>Order, after lower-casing the name and dropping a trailing dot:
 *
 * <ol>
 *   <li>a virtual host with exactly that name;
 *   <li>a single-label wildcard virtual host ({@code *.foo.com} covers {@code bar.foo.com}, not
 *       {@code foo.com} nor {@code a.bar.foo.com});
 *   <li>for names no virtual host claims: a certificate whose own DNS names contain the name, then
 *       one whose wildcard DNS name covers it (the first such certificate in snapshot order);
 *   <li>the default: the snapshot's {@code defaultCertificate}, else the certificate of the
 *       host-less virtual host ({@code *}), else the self-signed one.
 * </ol>
 *
 * A virtual host without a certificate still claims its name and gets the default. Each step is one
 * hash lookup, so the cost does not depend on the number of hosts or certificates.
 */
public final class SniCertificateStore implements Mapping<String, SslContext> {
  private final Map<String, SslContext> exactHosts;
  private final Map<String, SslContext> wildcardHosts;
  private final Map<String, SslContext> exactNames;
  private final Map<String, SslContext> wildcardNames;
  private final SslContext defaultContext;

  private SniCertificateStore(Builder b) {
    this(
        Map.copyOf(b.exactHosts),
        Map.copyOf(b.wildcardHosts),
        Map.copyOf(b.exactNames),
        Map.copyOf(b.wildcardNames),
        b.defaultContext);
  }

  private SniCertificateStore(
      Map<String, SslContext> exactHosts,
      Map<String, SslContext> wildcardHosts,
      Map<String, SslContext> exactNames,
      Map<String, SslContext> wildcardNames,
      SslContext defaultContext) {
    this.exactHosts = exactHosts;
    this.wildcardHosts = wildcardHosts;
    this.exactNames = exactNames;
    this.wildcardNames = wildcardNames;
    this.defaultContext = defaultContext;
  }

  static Builder builder(SslContext defaultContext) {
    return new Builder(defaultContext);
  }

  @Override
  public SslContext map(String sniHostname) {
    if (sniHostname == null || sniHostname.isEmpty()) {
      return defaultContext;
    }
    String name = SniNames.normalise(sniHostname);
    SslContext context = exactHosts.get(name);
    if (context != null) {
      return context;
    }
    String parent = SniNames.wildcardParent(name);
    if (parent != null && (context = wildcardHosts.get(parent)) != null) {
      return context;
    }
    if ((context = exactNames.get(name)) != null) {
      return context;
    }
    if (parent != null && (context = wildcardNames.get(parent)) != null) {
      return context;
    }
    return defaultContext;
  }

  /**
   * This store with the virtual hosts {@code removed} (names) taken out and {@code added} (name to
   * context) put in, in that order; certificate names and the default stay. The host maps are
   * copied, the rest shared: a host change costs a copy of a hash table, not a rebuild of every
   * entry from the snapshot.
   */
  SniCertificateStore withVirtualHosts(List<String> removed, Map<String, SslContext> added) {
    Map<String, SslContext> exact = new HashMap<>(exactHosts);
    Map<String, SslContext> wildcard = wildcardHosts;
    boolean wildcardChanged = false;
    for (String host : removed) {
      String name = SniNames.normalise(host);
      if (name.startsWith("*.")) {
        wildcard = wildcardChanged ? wildcard : new HashMap<>(wildcard);
        wildcardChanged = true;
        wildcard.remove(name.substring(2));
      } else {
        exact.remove(name);
      }
    }
    for (Map.Entry<String, SslContext> e : added.entrySet()) {
      String name = SniNames.normalise(e.getKey());
      if (name.startsWith("*.")) {
        wildcard = wildcardChanged ? wildcard : new HashMap<>(wildcard);
        wildcardChanged = true;
        wildcard.put(name.substring(2), e.getValue());
      } else {
        exact.put(name, e.getValue());
      }
    }
    return new SniCertificateStore(
        Collections.unmodifiableMap(exact),
        wildcardChanged ? Collections.unmodifiableMap(wildcard) : wildcard,
        exactNames,
        wildcardNames,
        defaultContext);
  }

  /** The context served for unknown or missing names. */
  public SslContext defaultContext() {
    return defaultContext;
  }

  @Override
  public String toString() {
    return "SniCertificateStore[hosts="
        + exactHosts.size()
        + ", wildcardHosts="
        + wildcardHosts.size()
        + ", certificateNames="
        + (exactNames.size() + wildcardNames.size())
        + "]";
  }

  static final class Builder {
    private final Map<String, SslContext> exactHosts = new HashMap<>();
    private final Map<String, SslContext> wildcardHosts = new HashMap<>();
    private final Map<String, SslContext> exactNames = new HashMap<>();
    private final Map<String, SslContext> wildcardNames = new HashMap<>();
    private final SslContext defaultContext;

    private Builder(SslContext defaultContext) {
      this.defaultContext = Objects.requireNonNull(defaultContext, "defaultContext");
    }

    /** A virtual host name ({@code foo.com} or {@code *.foo.com}) and the context it serves. */
    Builder virtualHost(String host, SslContext context) {
      String name = SniNames.normalise(host);
      if (name.startsWith("*.")) {
        wildcardHosts.put(name.substring(2), context);
      } else {
        exactHosts.put(name, context);
      }
      return this;
    }

    /** A certificate's own DNS names; the first certificate to name a host keeps it. */
    Builder certificateNames(List<String> dnsNames, SslContext context) {
      for (String dnsName : dnsNames) {
        String name = SniNames.normalise(dnsName);
        if (name.startsWith("*.")) {
          wildcardNames.putIfAbsent(name.substring(2), context);
        } else if (!name.contains("*")) {
          exactNames.putIfAbsent(name, context);
        }
      }
      return this;
    }

    SniCertificateStore build() {
      return new SniCertificateStore(this);
    }
  }
}
