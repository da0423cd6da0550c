package dev.weir.operator.tickets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weir.contract.snapshot.SecretValue;
import dev.weir.contract.snapshot.TicketKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * How a {@link TicketKeyRing} is kept in a Secret: one data entry, {@value #DATA_KEY}, holding
 * {@code {"format":1,"keys":[{"created":"<RFC 3339>","key":"<48 bytes, base64>"}, ...]}}, newest
 * first. The creation times make rotation survive a restart or a change of leader. Problems are
 * reported by position and reason only: never with the value that was read.
 */
public final class TicketKeySecretFormat {
  public static final String DATA_KEY = "ticket-keys.json";
  static final int FORMAT = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private TicketKeySecretFormat() {}

  /** A Secret's content could not be read as ticket keys; the message holds no key material. */
  public static final class UnreadableKeys extends Exception {
    UnreadableKeys(String reason) {
      super(reason);
    }
  }

  /** The Secret {@code data} (values base64, as the API carries them) holding {@code ring}. */
  public static Map<String, String> encode(TicketKeyRing ring) {
    ObjectNode root = JSON.createObjectNode().put("format", FORMAT);
    ArrayNode keys = root.putArray("keys");
    for (SessionTicketKey k : ring.keys()) {
      keys.addObject().put("created", k.created().toString()).put("key", k.key().reveal());
    }
    String json;
    try {
      json = JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write ticket keys as JSON", e);
    }
    return Map.of(
        DATA_KEY, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The ring a Secret's {@code data} holds.
   *
   * @throws UnreadableKeys when the entry is missing or anything in it is malformed
   */
  public static TicketKeyRing decode(Map<String, String> data) throws UnreadableKeys {
    String encoded = data == null ? null : data.get(DATA_KEY);
    if (encoded == null) {
      throw new UnreadableKeys("data." + DATA_KEY + " is missing");
    }
    JsonNode root;
    try {
      root = JSON.readTree(Base64.getDecoder().decode(encoded));
    } catch (IllegalArgumentException | IOException e) {
      // Jackson's message quotes the input: only the type is reported.
      throw new UnreadableKeys("data." + DATA_KEY + " is not base64 JSON");
    }
    if (root == null || !root.isObject()) {
      throw new UnreadableKeys("data." + DATA_KEY + " is not a JSON object");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw new UnreadableKeys("format is not " + FORMAT);
    }
    JsonNode keys = root.path("keys");
    if (!keys.isArray() || keys.isEmpty()) {
      throw new UnreadableKeys("keys is not a non-empty list");
    }
    List<SessionTicketKey> read = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      read.add(key(keys.get(i), "keys[" + i + "]"));
    }
    return TicketKeyRing.of(read);
  }

  private static SessionTicketKey key(JsonNode node, String at) throws UnreadableKeys {
    Instant created;
    try {
      created = Instant.parse(node.path("created").asText(""));
    } catch (DateTimeParseException e) {
      throw new UnreadableKeys(at + ".created is not an RFC 3339 time");
    }
    String key = node.path("key").asText("");
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null || bytes.length != TicketKey.LENGTH_BYTES) {
      throw new UnreadableKeys(at + ".key is not " + TicketKey.LENGTH_BYTES + " bytes, base64");
    }
    return new SessionTicketKey(new SecretValue(key), created);
  }
}
