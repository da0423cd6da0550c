package dev.weir.operator.tickets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.operator.tickets.TicketKeySecretFormat.UnreadableKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Secret's data: written and read back, and every malformed form refused without its value. */
class TicketKeySecretFormatTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String KEY =
      Base64.getEncoder().encodeToString(new byte[48]).replace('A', 'Q');

  @Test
  void aRingIsReadBackAsWrittenNewestFirst() throws Exception {
    SecureRandom random = new SecureRandom();
    TicketKeyRing ring =
        TicketKeyRing.empty()
            .rotated(T0, 3, random)
            .rotated(T0.plusSeconds(3600), 3, random)
            .rotated(T0.plusSeconds(7200), 3, random);

    TicketKeyRing read = TicketKeySecretFormat.decode(TicketKeySecretFormat.encode(ring));

    assertThat(read).isEqualTo(ring);
    assertThat(read.encryptingKeyCreated()).isEqualTo(T0.plusSeconds(7200));
  }

  @Test
  void keysOutOfOrderAreSortedNewestFirst() throws Exception {
    TicketKeyRing read =
        TicketKeySecretFormat.decode(
            data(
                "{\"format\":1,\"keys\":[{\"created\":\"2030-01-01T00:00:00Z\",\"key\":\""
                    + KEY
                    + "\"},{\"created\":\"2030-01-01T01:00:00Z\",\"key\":\""
                    + KEY
                    + "\"}]}"));

    assertThat(read.encryptingKeyCreated()).isEqualTo(Instant.parse("2030-01-01T01:00:00Z"));
  }

  @Test
  void malformedDataIsRefusedNamingWhereButNeverTheValue() {
    String shortKey = Base64.getEncoder().encodeToString("sixteen bytes!!!".getBytes());
    refused(Map.of(), "data.ticket-keys.json is missing");
    refused(Map.of("ticket-keys.json", "%%%"), "is not base64 JSON");
    refused(data("{\"format\":1,\"keys\":[" + KEY), "is not base64 JSON");
    refused(data("[]"), "is not a JSON object");
    refused(data("{\"format\":2,\"keys\":[]}"), "format is not 1");
    refused(data("{\"format\":1,\"keys\":[]}"), "keys is not a non-empty list");
    refused(
        data("{\"format\":1,\"keys\":[{\"created\":\"yesterday\",\"key\":\"" + KEY + "\"}]}"),
        "keys[0].created is not an RFC 3339 time");
    refused(
        data(
            "{\"format\":1,\"keys\":[{\"created\":\"2030-01-01T00:00:00Z\",\"key\":\""
                + shortKey
                + "\"}]}"),
        "keys[0].key is not 48 bytes, base64");
  }

  private static void refused(Map<String, String> data, String reason) {
    assertThatThrownBy(() -> TicketKeySecretFormat.decode(data))
        .isInstanceOf(UnreadableKeys.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
  }

  private static Map<String, String> data(String json) {
    return Map.of(
        "ticket-keys.json",
        Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
  }
}
