package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Snapshot to and from JSON. Decoding is strict: an unknown field, a wrong type or a broken
 * reference is refused with an {@link InvalidSnapshotException} naming the field, so a typo in a
 * hand-written snapshot never silently changes routing.
 */
public final class SnapshotCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private SnapshotCodec() {}

  public static Snapshot decode(byte[] json) throws InvalidSnapshotException {
    Snapshot snapshot = read(json, Snapshot.class);
    SnapshotValidator.validate(snapshot);
    return snapshot;
  }

  public static byte[] encode(Snapshot snapshot) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(snapshot);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("snapshot cannot be encoded", e);
    }
  }

  /** Compact form, for the control channel. */
  public static byte[] encodeCompact(Snapshot snapshot) {
    try {
      return MAPPER.writeValueAsBytes(snapshot);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("snapshot cannot be encoded", e);
    }
  }

  /** A delta, compact, for the control channel. */
  public static byte[] encodeDelta(SnapshotDelta delta) {
    try {
      return MAPPER.writeValueAsBytes(delta);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("delta cannot be encoded", e);
    }
  }

  /**
   * Decodes a delta as strictly as a snapshot. Not validated: only the snapshot it makes of its
   * base can be, and the data plane validates that as a full snapshot.
   */
  public static SnapshotDelta decodeDelta(byte[] json) throws InvalidSnapshotException {
    return read(json, SnapshotDelta.class);
  }

  /** Strict decoding; errors name the field, never quote the input. */
  private static <T> T read(byte[] json, Class<T> type) throws InvalidSnapshotException {
    T value;
    try {
      value = MAPPER.readValue(json, type);
    } catch (JsonMappingException e) {
      throw new InvalidSnapshotException(describePath(e), reason(e));
    } catch (JsonProcessingException e) {
      // Syntax errors: the location is all we can name. The original message may quote input.
      throw new InvalidSnapshotException(
          "(json)",
          "malformed JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (value == null) {
      throw new InvalidSnapshotException("(json)", "empty document");
    }
    return value;
  }

  private static String describePath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      }
    }
    return path.isEmpty() ? "(root)" : path.toString();
  }

  // Jackson's own messages may quote the offending value, which could be key material; say only
  // what kind of problem it is.
  private static String reason(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field (known: " + u.getKnownPropertyIds() + ")";
    }
    if (e instanceof InvalidFormatException f) {
      return "not a valid "
          + f.getTargetType().getSimpleName()
          + (f.getTargetType().isEnum() ? " (one of " + enumNames(f.getTargetType()) + ")" : "");
    }
    if (e.getMessage() != null && e.getMessage().contains("Cannot deserialize")) {
      return "wrong type";
    }
    if (e.getMessage() != null && e.getMessage().contains("null")) {
      return "must not be null";
    }
    return "invalid value";
  }

  private static String enumNames(Class<?> type) {
    StringBuilder names = new StringBuilder();
    for (Object constant : type.getEnumConstants()) {
      try {
        var property = type.getField(((Enum<?>) constant).name()).getAnnotation(JsonProperty.class);
        if (!names.isEmpty()) {
          names.append(", ");
        }
        names.append(property != null ? property.value() : ((Enum<?>) constant).name());
      } catch (NoSuchFieldException ex) {
        throw new IllegalStateException(ex);
      }
    }
    return names.toString();
  }
}
