package dev.weir.dataplane.tls;

import dev.weir.contract.host.HostName;
import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.InvalidSnapshotException;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.SnapshotDelta;
import dev.weir.contract.snapshot.VirtualHost;
import dev.weir.contract.tls.CertificateCheck;
import dev.weir.contract.tls.LoadedCertificate;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's TLS for its lifetime: the provider (BoringSSL through netty-tcnative, else the
 * JDK's), the self-signed default certificate and the session ticket keys generated at start, and
 * the server contexts of the certificates seen so far. {@link #compile} turns each snapshot into an
 * {@link SniCertificateStore}.
 *
 * <p>With BoringSSL there is one server context (one {@code SSL_CTX}) for every certificate; a
 * certificate's "context" is a {@link CertificateContext}, a Java view of it whose certificate
 * {@link SharedKeyManager} serves per handshake. With the JDK provider each certificate has a
 * context of its own.
 *
 * <p>Contexts are cached by certificate id: a snapshot that keeps a certificate (same id, same
 * content) reuses its context, so a swap at 10,000 certificates builds contexts only for the ones
 * that changed. Ids absent from a compiled snapshot are evicted; connections still using an evicted
 * context keep it until they close (contexts are garbage collected, not reference counted).
 *
 * <p>A virtual host with {@code retainCertificate} keeps the snapshot certificate the previous
 * store served it (same context, kept in the cache although no certificate entry names it, its DNS
 * names still used for SAN fallback after the snapshot's own certificates); a host the previous
 * store served the default keeps the default. The operator asks for this when a host's Secret is
 * unusable and it has no good copy, typically after its own restart: this process has been serving
 * the good certificate all along and is the only one that still holds it.
 *
 * <p>A virtual host with client-certificate authentication (other than {@code off}) gets its
 * certificate's context wrapped in a {@link ClientCertificateContext}, which asks the client for a
 * certificate in that host's handshakes only; other hosts on the same port ask for none.
 *
 * <p>The shared context (with the JDK, every context) gets the ticket keys: the snapshot's when it
 * has some, so every replica resumes every other replica's sessions; otherwise keys generated once
 * at start. Rotating keys is the operator's job (publish a new list, old keys last); this class
 * applies whatever list arrives.
 */
public final class ServerTls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  // Server preference decides: h2 first, then http/1.1. A client offering neither still completes
  // the handshake (NO_ADVERTISE/ACCEPT) and is served HTTP/1.1.
  private static final ApplicationProtocolConfig ALPN =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2,
          ApplicationProtocolNames.HTTP_1_1);

  // Certificates whose chain and key BoringSSL keeps parsed (OpenSSL only), by alias. Without
  // the cache, Netty keeps only the last one served, so a handshake for another host than the
  // previous handshake's re-encodes its chain and key as PEM and parses both again. A parsed
  // certificate and key cost a few KiB of native memory; aliases of certificates no longer served
  // are dropped when the cache is full, and past the bound the rest are parsed per handshake.
  private static final int NATIVE_KEY_MATERIAL_CACHE_SIZE = 8_192;

  private final Options options;
  private final SslProvider provider;
  private final TicketKeys generatedTicketKeys;
  // OpenSSL only: the one BoringSSL server context (one SSL_CTX) every certificate is served
  // from, and the key manager that hands it each handshake's certificate. Null for the JDK.
  private final SharedKeyManager keyManager;
  private final SslContext sharedContext;
  private final SslContext selfSignedContext;
  private final Object lock = new Object();
  // Guarded by lock. Only compile() touches these; the request path only sees finished stores.
  private Map<String, CachedContext> contextsById = Map.of();
  // Guarded by lock. Virtual host name (normalised) to the id of the snapshot certificate the last
  // compiled store served it, named or retained: what a later retainCertificate keeps.
  private Map<String, String> certificateIdByHost = Map.of();
  // Guarded by lock. Hosts retaining in the last compiled store, to the id kept ("" for the
  // default), so each retention is logged once, not per snapshot.
  private Map<String, String> retentionLogged = Map.of();
  // Guarded by lock. The last snapshot compiled and its store: a next snapshot that keeps its
  // certificates (the same list instance) only changes host entries (see compileHosts).
  private Snapshot lastCompiled;
  private SniCertificateStore lastStore;
  // Certificate ids already reported as expired, so each expiry is logged once, not per snapshot.
  private final Set<String> expiredWarned = ConcurrentHashMap.newKeySet();
  private TicketKeys ticketKeys;
  private boolean closed;
  private long contextsBuilt;
  private boolean ticketKeysWarned;

  /**
   * Tunables of {@link ServerTls}.
   *
   * @param provider {@link SslProvider#OPENSSL} or {@link SslProvider#JDK}; null picks OpenSSL when
   *     netty-tcnative loads, the JDK otherwise
   * @param sessionCacheSize server-side session cache entries per context (session ids)
   * @param sessionTimeout lifetime of a session and of the tickets issued for it
   * @param clock tells whether a certificate has expired
   */
  public record Options(
      SslProvider provider, long sessionCacheSize, Duration sessionTimeout, Clock clock) {
    public Options {
      if (provider != null && provider != SslProvider.OPENSSL && provider != SslProvider.JDK) {
        throw new IllegalArgumentException("provider must be OPENSSL or JDK, not " + provider);
      }
      if (sessionCacheSize <= 0) {
        throw new IllegalArgumentException("sessionCacheSize must be positive");
      }
      Objects.requireNonNull(sessionTimeout, "sessionTimeout");
      Objects.requireNonNull(clock, "clock");
    }

    /** Auto provider, 20,480 cached sessions, 5 minute sessions (as nginx), system clock. */
    public static Options defaults() {
      return new Options(null, 20_480, Duration.ofMinutes(5), Clock.systemUTC());
    }

    public Options withProvider(SslProvider p) {
      return new Options(p, sessionCacheSize, sessionTimeout, clock);
    }

    public Options withClock(Clock c) {
      return new Options(provider, sessionCacheSize, sessionTimeout, c);
    }
  }

  private ServerTls(Options options, SslProvider provider) {
    this.options = options;
    this.provider = provider;
    this.generatedTicketKeys = TicketKeys.random();
    this.ticketKeys = generatedTicketKeys;
    try {
      if (provider == SslProvider.OPENSSL) {
        this.keyManager = new SharedKeyManager();
        this.sharedContext =
            configure(
                    SslContextBuilder.forServer(
                        new OpenSslCachingX509KeyManagerFactory(
                            new KeyManagerFactoryWrapper(keyManager),
                            NATIVE_KEY_MATERIAL_CACHE_SIZE)))
                .build();
      } else {
        this.keyManager = null;
        this.sharedContext = null;
      }
      this.selfSignedContext =
          newContext("default", SelfSignedCertificate.generate(options.clock().instant()));
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the default certificate's context", e);
    }
    applyTicketKeys(sharedContext != null ? sharedContext : selfSignedContext, ticketKeys);
  }

  public static ServerTls create() {
    return create(Options.defaults());
  }

  public static ServerTls create(Options options) {
    SslProvider provider = chooseProvider(options.provider());
    ServerTls tls = new ServerTls(options, provider);
    if (provider == SslProvider.OPENSSL) {
      log.info(
          "event=tls_provider provider=OPENSSL library=\"{}\" alpn={}",
          OpenSsl.versionString(),
          SslProvider.isAlpnSupported(provider));
    } else {
      log.info("event=tls_provider provider=JDK session_tickets=per_replica");
    }
    return tls;
  }

  private static SslProvider chooseProvider(SslProvider requested) {
    if (requested == SslProvider.JDK) {
      return SslProvider.JDK;
    }
    if (OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    if (requested == SslProvider.OPENSSL) {
      throw new IllegalStateException(
          "OpenSSL provider requested but netty-tcnative cannot load",
          OpenSsl.unavailabilityCause());
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    log.warn(
        "event=tls_provider_fallback provider=JDK reason=\"{}\"",
        cause == null ? "unknown" : String.valueOf(cause).replace('"', '\''));
    return SslProvider.JDK;
  }

  /** {@link SslProvider#OPENSSL} (BoringSSL) or {@link SslProvider#JDK}. */
  public SslProvider provider() {
    return provider;
  }

  /**
   * Builds the store for {@code snapshot}, reusing the contexts of unchanged certificates. On
   * failure nothing changes: the cache stays as the last good snapshot left it.
   *
   * @throws InvalidSnapshotException naming every certificate that cannot be served as {@code
   *     certificates[i]}, its id and the reason; never key material
   */
  public SniCertificateStore compile(Snapshot snapshot) throws InvalidSnapshotException {
    long started = System.nanoTime();
    synchronized (lock) {
      requireOpen();
      SniCertificateStore hostsOnly = lastStore == null ? null : compileHosts(snapshot);
      if (hostsOnly != null) {
        return hostsCompiled(snapshot, hostsOnly, "hosts_only=true", started);
      }
      List<String> problems = new ArrayList<>();
      TicketKeys keys = generatedTicketKeys;
      try {
        if (!snapshot.ticketKeys().isEmpty()) {
          keys = TicketKeys.fromSnapshot(snapshot.ticketKeys());
        }
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }

      Map<String, CachedContext> next = new HashMap<>();
      Map<String, List<String>> dnsNamesById = new HashMap<>();
      List<SslContext> built = new ArrayList<>();
      var now = options.clock().instant();
      for (int i = 0; i < snapshot.certificates().size(); i++) {
        Certificate c = snapshot.certificates().get(i);
        String where = "certificates[" + i + "] (id '" + c.id() + "')";
        CachedContext cached = contextsById.get(c.id());
        // The same Certificate object as last time needs no hashing: at 10,000 certificates the
        // digests alone are 20 MB of SHA-256 per snapshot, and a snapshot built from a delta (or
        // by the operator's publisher) shares every unchanged certificate with the previous one.
        byte[] digest = cached != null && cached.source == c ? cached.digest : digest(c);
        if (cached != null && Arrays.equals(cached.digest, digest)) {
          cached = cached.source == c ? cached : cached.withSource(c);
          warnIfExpired(c.id(), cached.notAfter(), now);
          next.put(c.id(), cached);
          dnsNamesById.put(c.id(), cached.dnsNames());
          continue;
        }
        try {
          LoadedCertificate loaded =
              CertificateCheck.load(
                  c.certificateChain(), c.privateKey() == null ? null : c.privateKey().reveal());
          warnIfExpired(c.id(), loaded.notAfter(), now);
          SslContext context = newContext(c.id(), loaded);
          built.add(context);
          next.put(
              c.id(), new CachedContext(c, digest, context, loaded.dnsNames(), loaded.notAfter()));
          dnsNamesById.put(c.id(), loaded.dnsNames());
        } catch (CertificateCheck.Refusal p) {
          problems.add(where + ": " + p.getMessage());
        } catch (SSLException | RuntimeException e) {
          // Netty's message may quote input; keep only the exception type.
          problems.add(
              where + ": cannot build a TLS context (" + e.getClass().getSimpleName() + ")");
        }
      }
      if (!problems.isEmpty()) {
        throw new InvalidSnapshotException(problems);
      }

      Map<String, String> nextIdByHost = new HashMap<>();
      Map<String, CachedContext> retainedByHost = new LinkedHashMap<>();
      Map<String, String> nextRetentionLogged = new HashMap<>();
      for (VirtualHost v : snapshot.virtualHosts()) {
        if (VirtualHost.ANY_HOST.equals(v.host())) {
          continue;
        }
        String host = HostName.normalise(v.host());
        if (v.certificate() != null) {
          nextIdByHost.put(host, v.certificate());
          continue;
        }
        if (!v.retainCertificate()) {
          continue;
        }
        String id = certificateIdByHost.get(host);
        CachedContext previous = id == null ? null : contextsById.get(id);
        CachedContext sameId = id == null ? null : next.get(id);
        // An id this snapshot reuses for other content (hand-written files only; the operator's
        // ids are content hashes) has replaced the old context: nothing left to retain.
        if (previous != null && (sameId == null || sameId == previous)) {
          warnIfExpired(id, previous.notAfter(), now);
          next.put(id, previous);
          retainedByHost.put(host, previous);
          nextIdByHost.put(host, id);
        }
        String kept = retainedByHost.containsKey(host) ? id : "";
        nextRetentionLogged.put(host, kept);
        if (!kept.equals(retentionLogged.get(host))) {
          if (kept.isEmpty()) {
            log.warn(
                "event=certificate_retain_unavailable host={} action=serve_default "
                    + "reason=\"no certificate served for this host before\"",
                host);
          } else {
            log.warn(
                "event=certificate_retained host={} certificate={} action=serve_previous",
                host,
                kept);
          }
        }
      }

      if (sharedContext != null) {
        // One context, one set of keys, whatever the number of certificates.
        if (!sameKeys(keys, ticketKeys)) {
          applyTicketKeys(sharedContext, keys);
        }
      } else if (!sameKeys(keys, ticketKeys)) {
        applyTicketKeys(selfSignedContext, keys);
        for (CachedContext cc : next.values()) {
          applyTicketKeys(cc.context, keys);
        }
      } else {
        for (SslContext context : built) {
          applyTicketKeys(context, keys);
        }
      }
      int evicted = 0;
      for (String id : contextsById.keySet()) {
        if (!next.containsKey(id)) {
          evicted++;
        }
      }
      contextsById = next;
      certificateIdByHost = nextIdByHost;
      retentionLogged = nextRetentionLogged;
      expiredWarned.retainAll(next.keySet());
      ticketKeys = keys;
      contextsBuilt += built.size();
      if (keyManager != null) {
        keyManager.sweep();
      }

      SniCertificateStore store = buildStore(snapshot, next, dnsNamesById, retainedByHost);
      lastCompiled = snapshot;
      lastStore = store;
      log.info(
          "event=tls_compiled snapshot_version={} certificates={} built={} reused={} "
              + "evicted={} retained={} ticket_keys={} ticket_key_count={} millis={}",
          snapshot.version(),
          next.size(),
          built.size(),
          next.size() - built.size(),
          evicted,
          retainedByHost.size(),
          keys.source(),
          keys.count(),
          (System.nanoTime() - started) / 1_000_000);
      return store;
    }
  }

  /**
   * Frees the native server context (with OpenSSL). Connections still open keep it alive until they
   * close: each engine holds a reference. Stores compiled before must not be used for new
   * connections after this.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      ReferenceCountUtil.release(sharedContext != null ? sharedContext : selfSignedContext);
    }
  }

  /**
   * The store for a snapshot that shares its certificates list, ticket keys and default certificate
   * with the last one compiled, when no virtual host retains a certificate, before or now, and the
   * {@code *} host (a default candidate) is unchanged: then contexts, certificate names and the
   * default are the last store's, and only the hosts that are not the same instances change their
   * entries. A one-host change at 10,000 certificates then costs set operations on the hosts
   * instead of a pass over every certificate. Null when not applicable (the full compile runs).
   * Expiry warnings wait for the next full compile.
   */
  private SniCertificateStore compileHosts(Snapshot snapshot) {
    if (!keepsCertificates(snapshot)) {
      return null;
    }
    Set<VirtualHost> before = identitySet(lastCompiled.virtualHosts());
    Set<VirtualHost> after = identitySet(snapshot.virtualHosts());
    Set<VirtualHost> removed = identitySet(lastCompiled.virtualHosts());
    removed.removeAll(after);
    Set<VirtualHost> added = after;
    added.removeAll(before);
    List<String> removedHosts = new ArrayList<>();
    for (VirtualHost v : removed) {
      if (v.retainCertificate()) {
        return null;
      }
      removedHosts.add(v.host());
    }
    return compileHosts(removedHosts, added);
  }

  private boolean keepsCertificates(Snapshot snapshot) {
    return snapshot.certificates() == lastCompiled.certificates()
        && snapshot.ticketKeys() == lastCompiled.ticketKeys()
        && Objects.equals(snapshot.defaultCertificate(), lastCompiled.defaultCertificate())
        && retentionLogged.isEmpty();
  }

  /**
   * The last store with the hosts {@code removed} (names) and {@code added}; null when one of them
   * is {@code *}, retains, or names a certificate the last snapshot did not have.
   */
  private SniCertificateStore compileHosts(List<String> removed, Collection<VirtualHost> added) {
    Map<String, String> idByHost = new HashMap<>(certificateIdByHost);
    for (String host : removed) {
      if (VirtualHost.ANY_HOST.equals(host)) {
        return null;
      }
      idByHost.remove(HostName.normalise(host));
    }
    Map<String, SslContext> addedHosts = new HashMap<>();
    for (VirtualHost v : added) {
      if (v.retainCertificate() || VirtualHost.ANY_HOST.equals(v.host())) {
        return null;
      }
      CachedContext cc = v.certificate() == null ? null : contextsById.get(v.certificate());
      if (v.certificate() != null && cc == null) {
        return null; // not a certificate of the last snapshot: let the full compile say so
      }
      addedHosts.put(
          v.host(),
          ClientCertificateContext.forHost(
              v, cc == null ? lastStore.defaultContext() : cc.context));
      if (v.certificate() != null) {
        idByHost.put(HostName.normalise(v.host()), v.certificate());
      }
    }
    certificateIdByHost = idByHost;
    return lastStore.withVirtualHosts(removed, addedHosts);
  }

  private static Set<VirtualHost> identitySet(List<VirtualHost> hosts) {
    Set<VirtualHost> set = Collections.newSetFromMap(new IdentityHashMap<>(hosts.size()));
    set.addAll(hosts);
    return set;
  }

  /**
   * As {@link #compile(Snapshot)} for {@code snapshot}, which {@code delta} made of the last
   * snapshot compiled: when it keeps the certificates, only the delta's hosts change entries (no
   * pass over the hosts either).
   */
  public SniCertificateStore compile(Snapshot snapshot, SnapshotDelta delta)
      throws InvalidSnapshotException {
    long started = System.nanoTime();
    synchronized (lock) {
      requireOpen();
      if (lastStore != null
          && delta.baseVersion() == lastCompiled.version()
          && keepsCertificates(snapshot)) {
        List<String> removed = new ArrayList<>(delta.removeVirtualHosts());
        // An upserted host replaces the entry of its name, whatever the old one served.
        delta.upsertVirtualHosts().forEach(v -> removed.add(v.host()));
        SniCertificateStore store = compileHosts(removed, delta.upsertVirtualHosts());
        if (store != null) {
          return hostsCompiled(snapshot, store, "hosts_changed=" + removed.size(), started);
        }
      }
    }
    return compile(snapshot);
  }

  // Guarded by lock. A store that changed only host entries becomes the last one compiled.
  private SniCertificateStore hostsCompiled(
      Snapshot snapshot, SniCertificateStore store, String detail, long startedNanos) {
    lastCompiled = snapshot;
    lastStore = store;
    log.info(
        "event=tls_compiled snapshot_version={} certificates={} built=0 reused={} "
            + "evicted=0 retained=0 {} millis={}",
        snapshot.version(),
        contextsById.size(),
        contextsById.size(),
        detail,
        (System.nanoTime() - startedNanos) / 1_000_000);
    return store;
  }

  // Guarded by lock.
  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("ServerTls is closed");
    }
  }

  /**
   * Certificate contexts built since start (with OpenSSL: views of the shared context, each a
   * parsed certificate and key), for tests of reuse.
   */
  long contextsBuilt() {
    synchronized (lock) {
      return contextsBuilt;
    }
  }

  /** Certificates the shared context's key manager can still serve (OpenSSL), for tests. */
  int keyManagerAliases() {
    return keyManager == null ? 0 : keyManager.liveAliases();
  }

  private SniCertificateStore buildStore(
      Snapshot snapshot,
      Map<String, CachedContext> byId,
      Map<String, List<String>> dnsNamesById,
      Map<String, CachedContext> retainedByHost) {
    SslContext fallback = selfSignedContext;
    String defaultId = snapshot.defaultCertificate();
    if (defaultId == null) {
      // A host-less rule with a certificate (Ingress "*") is the natural default for unknown names.
      defaultId =
          snapshot.virtualHosts().stream()
              .filter(v -> VirtualHost.ANY_HOST.equals(v.host()) && v.certificate() != null)
              .map(VirtualHost::certificate)
              .findFirst()
              .orElse(null);
    }
    if (defaultId != null && byId.containsKey(defaultId)) {
      fallback = byId.get(defaultId).context;
    }
    SniCertificateStore.Builder builder = SniCertificateStore.builder(fallback);
    for (VirtualHost v : snapshot.virtualHosts()) {
      if (VirtualHost.ANY_HOST.equals(v.host())) {
        continue;
      }
      CachedContext cc =
          v.certificate() != null
              ? byId.get(v.certificate())
              : retainedByHost.get(HostName.normalise(v.host()));
      builder.virtualHost(
          v.host(), ClientCertificateContext.forHost(v, cc == null ? fallback : cc.context));
    }
    for (Certificate c : snapshot.certificates()) {
      builder.certificateNames(dnsNamesById.get(c.id()), byId.get(c.id()).context);
    }
    // A retained certificate covers what it covered while the snapshot still carried it, names no
    // virtual host claims included; the snapshot's own certificates come first.
    for (CachedContext cc : retainedByHost.values()) {
      builder.certificateNames(cc.dnsNames, cc.context);
    }
    return builder.build();
  }

  /**
   * The context serving {@code certificate}: with OpenSSL a view of the shared context (no native
   * memory of its own), with the JDK a context of its own (the JDK's contexts are Java objects
   * anyway, and its engines have no per-engine session to carry a choice before the handshake).
   */
  private SslContext newContext(String id, LoadedCertificate certificate) throws SSLException {
    if (sharedContext == null) {
      return configure(SslContextBuilder.forServer(certificate.key(), certificate.chain())).build();
    }
    // The shared context parses a key only at handshake time; CertificateCheck.load has already
    // refused the curves BoringSSL lacks.
    return new CertificateContext(
        sharedContext, keyManager, keyManager.register(id, certificate.chain(), certificate.key()));
  }

  private SslContextBuilder configure(SslContextBuilder builder) {
    return builder
        // Reference-counted BoringSSL engines: the plain OPENSSL flavour gives every engine a
        // finalizer, so each connection's engine outlives its connection by a garbage collection
        // and costs the finalizer thread. SslHandler releases its engine when the connection
        // closes. The contexts themselves live as long as this object (the one shared context,
        // with OpenSSL) and are never released.
        .sslProvider(provider == SslProvider.OPENSSL ? SslProvider.OPENSSL_REFCNT : provider)
        .protocols(PROTOCOLS)
        // ECDHE + AEAD for TLS 1.2 (RFC 7540 9.2.2 compliant); TLS 1.3 suites are all AEAD.
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(ALPN)
        // Asked for only by the hosts with client-certificate authentication (see
        // ClientCertificateContext), and never refused here: as nginx, a missing or bad client
        // certificate is answered in HTTP, by the host's ClientCertificateAuth policy.
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .sessionCacheSize(options.sessionCacheSize())
        .sessionTimeout(options.sessionTimeout().toSeconds());
  }

  private void applyTicketKeys(SslContext context, TicketKeys keys) {
    if (context.sessionContext() instanceof OpenSslServerSessionContext session) {
      session.setTicketKeys(keys.keys());
      session.setSessionCacheEnabled(true);
    } else if (!ticketKeysWarned && keys != generatedTicketKeys) {
      ticketKeysWarned = true;
      log.warn(
          "event=tls_ticket_keys_ignored provider={} reason=\"the JDK provider cannot take "
              + "ticket keys; sessions resume only on the replica that issued them\"",
          provider);
    }
  }

  private static boolean sameKeys(TicketKeys a, TicketKeys b) {
    if (a == b) {
      return true;
    }
    var x = a.keys();
    var y = b.keys();
    if (x.length != y.length) {
      return false;
    }
    for (int i = 0; i < x.length; i++) {
      if (!MessageDigest.isEqual(x[i].name(), y[i].name())
          || !MessageDigest.isEqual(x[i].hmacKey(), y[i].hmacKey())
          || !MessageDigest.isEqual(x[i].aesKey(), y[i].aesKey())) {
        return false;
      }
    }
    return true;
  }

  // Ids are content hashes when the operator makes them, but a hand-written snapshot file may
  // reuse an id for new content; the digest makes reuse safe either way.
  // Served anyway (see CertificateCheck.load); clients will see the expiry, operators the log.
  private void warnIfExpired(String id, Instant notAfter, Instant now) {
    if (notAfter.isBefore(now) && expiredWarned.add(id)) {
      log.warn(
          "event=certificate_expired certificate={} not_after={} action=serve_anyway",
          id,
          notAfter);
    }
  }

  private static byte[] digest(Certificate c) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(String.valueOf(c.certificateChain()).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      if (c.privateKey() != null) {
        sha.update(c.privateKey().reveal().getBytes(StandardCharsets.UTF_8));
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @param source the certificate the context was built from or last matched
   */
  private record CachedContext(
      Certificate source,
      byte[] digest,
      SslContext context,
      List<String> dnsNames,
      Instant notAfter) {
    CachedContext withSource(Certificate c) {
      return new CachedContext(c, digest, context, dnsNames, notAfter);
    }
  }
}
