package dev.weir.dataplane.tls;

import dev.weir.contract.host.HostName;
import dev.weir.contract.host.HostTable;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SNI name to server {@link SslContext} for one snapshot. Immutable; a new snapshot compiles a new
 * store. Never answers null.
 *
 * <p>Order, after normalising the name ({@link HostName#normalise}):
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
 * A virtual host without a certificate still claims its name and gets the default. Virtual hosts
 * and certificate names are two {@link HostTable}s (exact, then wildcard, each) asked in turn; each
 * step is one hash lookup, so the cost does not depend on the number of hosts or certificates.
 */
public final class SniCertificateStore implements Mapping<String, SslContext> {
  // Virtual hosts other than "*": that one provides the default, which comes after the
  // certificate names.
  private final HostTable<SslContext> virtualHosts;
  private final HostTable<SslContext> certificateNames;
  private final SslContext defaultContext;

  private SniCertificateStore(
      HostTable<SslContext> virtualHosts,
      HostTable<SslContext> certificateNames,
      SslContext defaultContext) {
    this.virtualHosts = virtualHosts;
    this.certificateNames = certificateNames;
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
    String name = HostName.normalise(sniHostname);
    String parent = HostName.wildcardParent(name);
    SslContext context = virtualHosts.match(name, parent);
    if (context == null) {
      context = certificateNames.match(name, parent);
    }
    return context != null ? context : defaultContext;
  }

  /**
   * This store with the virtual hosts {@code removed} (names) taken out and {@code added} (name to
   * context) put in, in that order; certificate names and the default stay. The changed host table
   * is copied, the rest shared: a host change costs a copy of a hash table, not a rebuild of every
   * entry from the snapshot.
   */
  SniCertificateStore withVirtualHosts(List<String> removed, Map<String, SslContext> added) {
    HostTable.Builder<SslContext> hosts = virtualHosts.toBuilder();
    for (String host : removed) {
      hosts.remove(HostName.normalise(host));
    }
    for (Map.Entry<String, SslContext> e : added.entrySet()) {
      hosts.put(HostName.normalise(e.getKey()), e.getValue());
    }
    return new SniCertificateStore(hosts.build(), certificateNames, defaultContext);
  }

  /** The context served for unknown or missing names. */
  public SslContext defaultContext() {
    return defaultContext;
  }

  @Override
  public String toString() {
    return "SniCertificateStore[virtualHosts="
        + virtualHosts
        + ", certificateNames="
        + certificateNames
        + "]";
  }

  static final class Builder {
    private final HostTable.Builder<SslContext> virtualHosts = HostTable.builder();
    private final HostTable.Builder<SslContext> certificateNames = HostTable.builder();
    private final SslContext defaultContext;

    private Builder(SslContext defaultContext) {
      this.defaultContext = Objects.requireNonNull(defaultContext, "defaultContext");
    }

    /**
     * A virtual host name ({@code foo.com} or {@code *.foo.com}, not {@code *}) and its context.
     */
    Builder virtualHost(String host, SslContext context) {
      virtualHosts.put(HostName.normalise(host), context);
      return this;
    }

    /** A certificate's own DNS names; the first certificate to name a host keeps it. */
    Builder certificateNames(List<String> dnsNames, SslContext context) {
      for (String dnsName : dnsNames) {
        String name = HostName.normalise(dnsName);
        // Only a leading "*." makes a wildcard here; a name with any other '*' is left out, and
        // "*" alone must not become the catch-all, which would answer before the default.
        if (HostName.isWildcard(name) || name.indexOf('*') < 0) {
          certificateNames.putIfAbsent(name, context);
        }
      }
      return this;
    }

    SniCertificateStore build() {
      return new SniCertificateStore(
          virtualHosts.build(), certificateNames.build(), defaultContext);
    }
  }
}
