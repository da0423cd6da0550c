package dev.weir.dataplane.tls;

import java.lang.ref.WeakReference;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of the one BoringSSL server context: Netty calls it from BoringSSL's certificate
 * callback, once per full handshake, and it answers with the certificate the connection's {@link
 * CertificateContext} bound to the engine ({@link #bind}) when the {@code SniHandler} picked it.
 * The binding is a weak-keyed map, not a session value: Netty clears an engine's session values
 * when its handshake starts, and an engine abandoned before its certificate callback (a client that
 * hangs up after its ClientHello) must not leave anything behind.
 *
 * <p>Why the binding and not a fresh SNI lookup here: the connection must be served by the store
 * current when it was accepted (the proxy reads its snapshot once per connection, and a compiled
 * store is not yet a published one), and {@link SniCertificateStore} has already made the choice;
 * doing it twice could only make the two disagree.
 *
 * <p>Netty asks for an alias per key type the server's cipher list allows ({@code "RSA"}, {@code
 * "EC"}, ...) until one answers; a host has one certificate, so only its own key type answers and
 * BoringSSL then negotiates within what the client offered for that key.
 *
 * <p>{@link #getCertificateChain} and {@link #getPrivateKey} get only the alias, so aliases are
 * looked up in a registry of weak references: an entry lives while a store, a cached context or a
 * live engine (through the binding) holds it, which covers a handshake that started on a store
 * compiled away since. Nothing here logs or prints key material.
 */
final class SharedKeyManager extends X509ExtendedKeyManager {
  private final ConcurrentHashMap<String, WeakReference<Served>> byAlias =
      new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  // Engine to the certificate it is to serve. Identity keys (engines do not override equals);
  // entries go when the engine is collected. Touched once per connection and once per key type
  // asked, on the event loops, for well under a microsecond each: one lock is enough.
  private final Map<SSLEngine, Served> bound = Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Registers a certificate and its key under a fresh alias. The alias is unique for the process
   * (ids may be reused for other content in hand-written snapshots).
   */
  Served register(String id, X509Certificate[] chain, PrivateKey key) {
    Served served = new Served(id + "#" + sequence.incrementAndGet(), chain, key);
    byAlias.put(served.alias, new WeakReference<>(served));
    return served;
  }

  /** Makes {@code engine}'s handshake serve {@code served}. */
  void bind(SSLEngine engine, Served served) {
    bound.put(engine, served);
  }

  /** Drops registry entries whose certificate nothing uses any more. */
  void sweep() {
    byAlias.values().removeIf(ref -> ref.get() == null);
  }

  /** Registered aliases still alive, for tests. */
  int liveAliases() {
    sweep();
    return byAlias.size();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    Served served = engine == null ? null : bound.get(engine);
    if (served != null && served.keyType.equals(keyType)) {
      return served.alias;
    }
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Served served = lookup(alias);
    return served == null ? null : served.chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Served served = lookup(alias);
    return served == null ? null : served.key;
  }

  private Served lookup(String alias) {
    WeakReference<Served> ref = alias == null ? null : byAlias.get(alias);
    return ref == null ? null : ref.get();
  }

  // Never a server socket, never a client: the data plane only uses engines, as a server.
  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  /**
   * A certificate chain and key as served. {@code keyType} is the key's JCA algorithm, which is
   * also the key type name Netty asks for ({@code RSA} or {@code EC}; CertificateCheck admits no
   * other). Deliberately no toString beyond the alias: it holds a key.
   */
  static final class Served {
    final String alias;
    final X509Certificate[] chain;
    final PrivateKey key;
    final String keyType;

    private Served(String alias, X509Certificate[] chain, PrivateKey key) {
      this.alias = alias;
      this.chain = chain.clone();
      this.key = key;
      this.keyType = key.getAlgorithm();
    }

    @Override
    public String toString() {
      return "Served[" + alias + "]";
    }
  }
}
