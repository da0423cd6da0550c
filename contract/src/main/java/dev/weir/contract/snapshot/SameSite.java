package dev.weir.contract.snapshot;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The SameSite attribute of a cookie Weir sets. */
public enum SameSite {
  @JsonProperty("None")
  NONE("None"),
  @JsonProperty("Lax")
  LAX("Lax"),
  @JsonProperty("Strict")
  STRICT("Strict");

  private final String attribute;

  SameSite(String attribute) {
    this.attribute = attribute;
  }

  /** The attribute's value as written in Set-Cookie. */
  public String attribute() {
    return attribute;
  }
}
