package dev.weir.dataplane.tls;

import dev.weir.contract.snapshot.Certificate;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.Snapshot;
import dev.weir.contract.snapshot.TicketKey;
import dev.weir.contract.snapshot.VirtualHost;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

/** Snapshots that exercise TLS only: virtual hosts with certificates, no routes or backends. */
final class Snapshots {
  private Snapshots() {}

  static VirtualHost host(String name, String certificateId) {
    return new VirtualHost(name, certificateId, null, null);
  }

  static Snapshot tls(List<VirtualHost> hosts, List<Certificate> certificates) {
    return tls(hosts, certificates, null, null);
  }

  static Snapshot tls(
      List<VirtualHost> hosts,
      List<Certificate> certificates,
      List<TicketKey> ticketKeys,
      String defaultCertificate) {
    return Snapshot.builder()
        .version(1)
        .virtualHosts(hosts)
        .certificates(certificates)
        .ticketKeys(ticketKeys)
        .defaultCertificate(defaultCertificate)
        .build();
  }

  static List<TicketKey> randomTicketKeys(int count) {
    SecureRandom random = new SecureRandom();
    return IntStream.range(0, count)
        .mapToObj(
            i -> {
              byte[] bytes = new byte[TicketKey.LENGTH_BYTES];
              random.nextBytes(bytes);
              return new TicketKey(new SecretValue(Base64.getEncoder().encodeToString(bytes)));
            })
        .toList();
  }
}
