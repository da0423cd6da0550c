package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Secret material (a private key, a session-ticket key) carried by the snapshot. It is written to
 * JSON as a plain string, because the snapshot must carry it to the data plane, but it never shows
 * in {@code toString()}, so a snapshot, a record that holds it or an exception that prints one
 * cannot leak it into a log.
 */
public final class SecretValue {
  private final String value;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public SecretValue(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret itself, for the one consumer that needs it (the TLS layer). */
  @JsonValue
  public String reveal() {
    return value;
  }

  public boolean isBlank() {
    return value.isBlank();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValue other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "<redacted>";
  }
}
