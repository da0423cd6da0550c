package dev.weir.operator.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.contract.snapshot.TicketKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Rotation on an injected clock: when keys rotate, how many stay, and how long each decrypts. */
class RotationPolicyTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final SecureRandom random = new SecureRandom();

  @Test
  void anEmptyRingGetsItsFirstKeyAtOnce() {
    RotationPolicy policy = RotationPolicy.DEFAULT;

    TicketKeyRing ring = policy.apply(TicketKeyRing.empty(), T0, random);

    assertThat(ring.keys()).hasSize(1);
    assertThat(ring.encryptingKeyCreated()).isEqualTo(T0);
    assertThat(ring.ticketKeys()).singleElement().satisfies(RotationPolicyTest::is48Bytes);
  }

  @Test
  void theEncryptingKeyIsReplacedWhenItsIntervalIsOverNotBefore() {
    RotationPolicy policy = new RotationPolicy(Duration.ofHours(1));
    TicketKeyRing first = policy.apply(TicketKeyRing.empty(), T0, random);

    assertThat(policy.apply(first, T0.plus(Duration.ofMinutes(59)), random)).isSameAs(first);
    TicketKeyRing second = policy.apply(first, T0.plus(Duration.ofHours(1)), random);

    assertThat(second.keys()).hasSize(2);
    assertThat(second.keys().get(1)).isEqualTo(first.keys().get(0));
    assertThat(second.ticketKeys().get(0)).isNotEqualTo(first.ticketKeys().get(0));
    assertThat(policy.nextRotation(second)).isEqualTo(T0.plus(Duration.ofHours(2)));
  }

  @Test
  void anOperatorThatWasAwayForManyIntervalsRotatesOnceAndKeepsThePreviousKey() {
    RotationPolicy policy = new RotationPolicy(Duration.ofHours(1));
    TicketKeyRing ring = policy.apply(TicketKeyRing.empty(), T0, random);

    TicketKeyRing later = policy.apply(ring, T0.plus(Duration.ofDays(3)), random);

    assertThat(later.keys()).hasSize(2);
    assertThat(later.keys().get(1)).isEqualTo(ring.keys().get(0));
  }

  @Test
  void retainedKeysCoverATicketLifetimePlusASpare() {
    assertThat(new RotationPolicy(Duration.ofHours(1)).retainedKeys()).isEqualTo(50);
    assertThat(new RotationPolicy(Duration.ofHours(48)).retainedKeys()).isEqualTo(3);
    assertThat(new RotationPolicy(Duration.ofHours(7)).retainedKeys()).isEqualTo(1 + 7 + 1);
    assertThat(new RotationPolicy(Duration.ofMinutes(15)).retainedKeys()).isEqualTo(194);
  }

  /**
   * Rotating on schedule for a day, every key is still in the ring a full ticket lifetime after it
   * last encrypted: a ticket issued at the last moment of its key's turn always decrypts.
   */
  @ParameterizedTest
  @ValueSource(strings = {"PT15M", "PT25M", "PT1H", "PT7H", "PT24H", "PT48H", "PT72H"})
  void everyKeyDecryptsForATicketLifetimeAfterItLastEncrypted(String interval) {
    RotationPolicy policy = new RotationPolicy(Duration.parse(interval));
    Duration step = Duration.ofMinutes(5);
    Map<String, Instant> retired = new HashMap<>();
    TicketKeyRing ring = policy.apply(TicketKeyRing.empty(), T0, random);
    for (Instant now = T0; now.isBefore(T0.plus(Duration.ofDays(8))); now = now.plus(step)) {
      TicketKeyRing next = policy.apply(ring, now, random);
      if (next != ring) {
        retired.put(ring.keys().get(0).key().reveal(), now);
        List<String> kept = next.keys().stream().map(k -> k.key().reveal()).toList();
        for (SessionTicketKey gone : ring.keys()) {
          String key = gone.key().reveal();
          if (!kept.contains(key)) {
            assertThat(Duration.between(retired.get(key), now))
                .as("time from a key's last encryption to its removal")
                .isGreaterThanOrEqualTo(RotationPolicy.TICKET_LIFETIME);
          }
        }
        ring = next;
      }
      assertThat(ring.keys()).hasSizeLessThanOrEqualTo(policy.retainedKeys());
    }
  }

  @Test
  void anIntervalBelowFifteenMinutesIsRefused() {
    assertThatThrownBy(() -> new RotationPolicy(Duration.ofMinutes(14)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 900s");
  }

  @Test
  void aRingNeverPrintsItsKeys() {
    TicketKeyRing ring =
        RotationPolicy.DEFAULT.apply(TicketKeyRing.empty(), T0, random).rotated(T0, 3, random);

    String printed = ring + " " + ring.keys() + " " + ring.ticketKeys();

    for (SessionTicketKey k : ring.keys()) {
      assertThat(printed).doesNotContain(k.key().reveal());
    }
    assertThat(printed).contains("2 keys").contains("<redacted>");
  }

  private static void is48Bytes(TicketKey key) {
    assertThat(Base64.getDecoder().decode(key.key().reveal())).hasSize(TicketKey.LENGTH_BYTES);
  }
}
