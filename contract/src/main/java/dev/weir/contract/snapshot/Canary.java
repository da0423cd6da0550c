package dev.weir.contract.snapshot;

/**
 * A route's canary (ingress-nginx's {@code canary} Ingress): another backend that takes some of the
 * route's requests, chosen per request as ingress-nginx's balancer chooses its alternative backend;
 * schema version 5.
 *
 * <p>In order: a request holding the route's affinity cookie stays on the backend the cookie was
 * issued for; then {@code header}: with {@code headerValue} its value equal to it, else with {@code
 * headerPattern} a match anywhere in it, else {@code always} goes to the canary and {@code never}
 * stays (skipping what follows); then {@code cookie} ({@code always} / {@code never}); then {@code
 * weight} out of {@code weightTotal} of the remaining requests, at random.
 *
 * @param backend the canary's backend id
 * @param header a request header name; null: none
 * @param headerValue the value of {@code header} that selects the canary; null: none
 * @param headerPattern a regular expression (RE2, case-sensitive, unanchored) that a value of
 *     {@code header} selects the canary by when no {@code headerValue} is given; null: none
 * @param cookie a cookie name; null: none
 * @param weight requests out of {@code weightTotal} sent to the canary, 0 to {@code weightTotal}
 * @param weightTotal at least 1; absent: 100
 */
public record Canary(
    String backend,
    String header,
    String headerValue,
    String headerPattern,
    String cookie,
    int weight,
    Integer weightTotal) {
  public static final int DEFAULT_WEIGHT_TOTAL = 100;

  public Canary {
    weightTotal = weightTotal == null || weightTotal == DEFAULT_WEIGHT_TOTAL ? null : weightTotal;
  }

  /** {@link #weightTotal}, its default applied. */
  public int totalWeight() {
    return weightTotal == null ? DEFAULT_WEIGHT_TOTAL : weightTotal;
  }

  public static Builder builder(String backend) {
    return new Builder(backend);
  }

  /** A canary of {@code backend} that takes no request until a rule is added. */
  public static final class Builder {
    private final String backend;
    private String header;
    private String headerValue;
    private String headerPattern;
    private String cookie;
    private int weight;
    private Integer weightTotal;

    private Builder(String backend) {
      this.backend = backend;
    }

    public Builder header(String value) {
      header = value;
      return this;
    }

    public Builder headerValue(String value) {
      headerValue = value;
      return this;
    }

    public Builder headerPattern(String value) {
      headerPattern = value;
      return this;
    }

    public Builder cookie(String value) {
      cookie = value;
      return this;
    }

    public Builder weight(int value) {
      weight = value;
      return this;
    }

    public Builder weightTotal(int value) {
      weightTotal = value;
      return this;
    }

    public Canary build() {
      return new Canary(backend, header, headerValue, headerPattern, cookie, weight, weightTotal);
    }
  }
}
