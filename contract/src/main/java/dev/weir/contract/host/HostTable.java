package dev.weir.contract.host;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Values by host name, as {@link HostName} matches them: exact names, {@code *.} wildcards (kept by
 * the domain they cover), and the catch-all {@code *}. A lookup takes the exact name, then the
 * wildcard covering it, then the catch-all: at most two hash lookups, whatever the number of names.
 *
 * <p>Immutable. A {@link Builder} made by {@link #toBuilder()} copies a hash table only when it
 * first changes an entry of it, so a change of a few names costs a copy of the table they are in
 * (not a pass over how each entry was made), and the other table is shared.
 *
 * @param <V> what a name leads to; never null
 */
public final class HostTable<V> {
  private final Map<String, V> exact;
  private final Map<String, V> wildcardsByDomain;
  private final V any;

  private HostTable(Map<String, V> exact, Map<String, V> wildcardsByDomain, V any) {
    this.exact = exact;
    this.wildcardsByDomain = wildcardsByDomain;
    this.any = any;
  }

  public static <V> Builder<V> builder() {
    return builder(0);
  }

  /**
   * @param expectedNames how many names the table will hold, to size it once
   */
  public static <V> Builder<V> builder(int expectedNames) {
    return new Builder<>(new HashMap<>(expectedNames * 2), new HashMap<>(), null, false);
  }

  /** A builder starting from this table's entries; this table does not change. */
  public Builder<V> toBuilder() {
    return new Builder<>(exact, wildcardsByDomain, any, true);
  }

  /**
   * The value put under {@code name} itself: for {@code *.foo.com} the wildcard's, not one that
   * would cover it.
   *
   * @param name a normalised name or pattern
   */
  public V get(String name) {
    if (name.equals(HostName.ANY)) {
      return any;
    }
    return HostName.isWildcard(name)
        ? wildcardsByDomain.get(HostName.wildcardDomain(name))
        : exact.get(name);
  }

  /**
   * The value for a host: its exact name's, else the covering wildcard's, else the catch-all's;
   * null when none. A wildcard's domain is cut from {@code name} only after the exact name missed,
   * and only when the table has wildcards.
   *
   * @param name a normalised name ({@link HostName#normalise}); null or empty gets the catch-all
   */
  public V match(String name) {
    if (name == null || name.isEmpty()) {
      return any;
    }
    V value = exact.get(name);
    if (value == null && !wildcardsByDomain.isEmpty()) {
      value = wildcard(HostName.wildcardParent(name));
    }
    return value != null ? value : any;
  }

  /**
   * As {@link #match(String)}, for a caller that asks several tables about one name and cuts its
   * parent once.
   *
   * @param parent {@link HostName#wildcardParent} of {@code name}
   */
  public V match(String name, String parent) {
    if (name == null || name.isEmpty()) {
      return any;
    }
    V value = exact.get(name);
    if (value == null) {
      value = wildcard(parent);
    }
    return value != null ? value : any;
  }

  private V wildcard(String parent) {
    return parent == null ? null : wildcardsByDomain.get(parent);
  }

  @Override
  public String toString() {
    return "HostTable[exact="
        + exact.size()
        + ", wildcards="
        + wildcardsByDomain.size()
        + ", any="
        + (any != null)
        + "]";
  }

  /**
   * Puts and removes entries by name: {@code *} is the catch-all, {@code *.foo.com} a wildcard,
   * anything else an exact name. Names are taken as given: the caller normalises them.
   */
  public static final class Builder<V> {
    private Map<String, V> exact;
    private Map<String, V> wildcardsByDomain;
    private V any;
    // A map also held by a built table, copied before its first change.
    private boolean exactShared;
    private boolean wildcardsShared;

    private Builder(Map<String, V> exact, Map<String, V> wildcardsByDomain, V any, boolean shared) {
      this.exact = exact;
      this.wildcardsByDomain = wildcardsByDomain;
      this.any = any;
      this.exactShared = shared;
      this.wildcardsShared = shared;
    }

    /** Puts {@code value} under {@code name}, replacing what was there. */
    public Builder<V> put(String name, V value) {
      return write(name, Objects.requireNonNull(value, "value"), false);
    }

    /** Puts {@code value} under {@code name} unless something is there already. */
    public Builder<V> putIfAbsent(String name, V value) {
      return write(name, Objects.requireNonNull(value, "value"), true);
    }

    public Builder<V> remove(String name) {
      return write(name, null, false);
    }

    /** The table; this builder may go on, and copies what the table holds before changing it. */
    public HostTable<V> build() {
      exactShared = true;
      wildcardsShared = true;
      return new HostTable<>(exact, wildcardsByDomain, any);
    }

    /**
     * @param value null to remove
     */
    private Builder<V> write(String name, V value, boolean keepPresent) {
      if (name.equals(HostName.ANY)) {
        if (!keepPresent || any == null) {
          any = value;
        }
      } else if (HostName.isWildcard(name)) {
        if (wildcardsShared) {
          wildcardsByDomain = new HashMap<>(wildcardsByDomain);
          wildcardsShared = false;
        }
        write(wildcardsByDomain, HostName.wildcardDomain(name), value, keepPresent);
      } else {
        if (exactShared) {
          exact = new HashMap<>(exact);
          exactShared = false;
        }
        write(exact, name, value, keepPresent);
      }
      return this;
    }

    private static <V> void write(Map<String, V> map, String key, V value, boolean keepPresent) {
      if (value == null) {
        map.remove(key);
      } else if (keepPresent) {
        map.putIfAbsent(key, value);
      } else {
        map.put(key, value);
      }
    }
  }
}
