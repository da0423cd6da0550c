/**
 * TLS termination: {@link dev.weir.dataplane.tls.ServerTls} (process lifetime) compiles each
 * snapshot's certificates into an {@link dev.weir.dataplane.tls.SniCertificateStore} for Netty's
 * {@code SniHandler}; {@link dev.weir.dataplane.tls.HandshakeRecorder} counts handshakes; {@link
 * dev.weir.contract.tls.CertificateCheck} is the certificate check the operator reuses.
 *
 * <p>Decisions where the target design is silent:
 *
 * <ul>
 *   <li>BoringSSL (netty-tcnative) first, the JDK provider as a logged fallback. The context is the
 *       reference-counted variant ({@code SslProvider.OPENSSL_REFCNT}): its engines have no
 *       finalizer, and each connection's {@code SslHandler} releases its engine when it closes. The
 *       context itself lives until {@code ServerTls.close()}; the per-certificate views outlive the
 *       store that named them while connections still use them, which the garbage collector tracks.
 *   <li>With BoringSSL, one server context ({@code SSL_CTX}) for every certificate: an {@code
 *       SSL_CTX} per certificate cost ~35 KiB of native memory each (10,000 certificates: RSS 770
 *       MiB, and minutes to load). The store still maps names to per-certificate {@code
 *       SslContext}s, but they are views ({@code CertificateContext}) that bind their certificate
 *       to the engine; {@code SharedKeyManager} serves it from BoringSSL's certificate callback.
 *       BoringSSL keeps up to 8,192 certificates' chains and keys parsed (by alias, a few KiB
 *       each); past that, a full handshake parses its certificate's chain and key again
 *       (resumptions need neither). The choice is made once, by the store the connection was
 *       accepted with; the key manager does not look the SNI name up again. The JDK provider keeps
 *       a context per certificate.
 *   <li>One invalid certificate refuses the whole snapshot (the last good one keeps serving). The
 *       operator is expected to run {@code CertificateCheck} and leave such certificates out, with
 *       an Event on the Ingress, so that one expired Secret cannot freeze every other update.
 *   <li>Not-yet-valid certificates are accepted (clock skew against the issuer); expired ones are
 *       served too, with a warning logged once per certificate: refusing is the operator's policy,
 *       and a data plane must not refuse a whole snapshot over its own clock.
 *   <li>SAN fallback uses DNS subject alternative names only, never the subject CN, as browsers do.
 *   <li>A virtual host without a certificate claims its name: it is served the default certificate,
 *       not another certificate that happens to list the name.
 *   <li>{@code retainCertificate} keeps, per virtual host name, the snapshot certificate the
 *       previous store served (its context kept in the cache, its DNS names still used for SAN
 *       fallback after the snapshot's own certificates); a host served the default, or a fresh data
 *       plane, gets the default. Data planes outlive operator restarts, which lose the operator's
 *       in-memory last good certificates, so the data plane is where they survive.
 *   <li>The host-less virtual host ({@code *}) with a certificate provides the default certificate
 *       when the snapshot names no {@code defaultCertificate}.
 *   <li>Ticket keys: the snapshot's list (first encrypts, all decrypt) on every context; without
 *       one, a random key per process, so resumption then works only on the replica that issued the
 *       ticket. Rotation is the publisher's job, not done here. The JDK provider cannot take ticket
 *       keys (logged once). Sessions and tickets live 5 minutes by default.
 * </ul>
 */
package dev.weir.dataplane.tls;
