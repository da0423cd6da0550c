package dev.weir.contract.net;

import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.List;

/**
 * An IP address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), or one address: what
 * ingress-nginx's source-range annotations list. Parsed as Go's {@code net.ParseCIDR} (then {@code
 * net.ParseIP}) reads them: host bits are dropped, so {@code 10.1.2.3/8} is {@code 10.0.0.0/8}.
 * Only IP literals: nothing here resolves a name.
 */
public final class AddressRange {
  private final byte[] network;
  private final int prefix;

  private AddressRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /**
   * @throws IllegalArgumentException quoting {@code text} when it is no address or range
   */
  public static AddressRange parse(String text) {
    String value = text.strip();
    int slash = value.indexOf('/');
    byte[] address = address(slash < 0 ? value : value.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IP address or range (CIDR)");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String digits = value.substring(slash + 1);
      if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IP address or range (CIDR)");
      }
      prefix = Integer.parseInt(digits);
      if (prefix > bits) {
        throw new IllegalArgumentException(
            "\"" + text + "\" has a prefix longer than " + bits + " bits");
      }
    }
    for (int bit = prefix; bit < bits; bit++) {
      address[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new AddressRange(address, prefix);
  }

  /** Every entry of {@code texts} parsed; the first that is no range throws. */
  public static List<AddressRange> parseAll(List<String> texts) {
    return texts.stream().map(AddressRange::parse).toList();
  }

  /** The bytes of an IP literal (4 or 16), or null when {@code literal} is none. */
  public static byte[] address(String literal) {
    if (literal == null || literal.isEmpty()) {
      return null;
    }
    return NetUtil.createByteArrayFromIpAddressString(literal);
  }

  /** Whether {@code address} (4 or 16 bytes; null: none) is in this range. */
  public boolean contains(byte[] address) {
    if (address == null) {
      return false;
    }
    if (address.length != network.length) {
      // An IPv4-mapped IPv6 client is its IPv4 address, as nginx sees it.
      if (address.length == 16 && network.length == 4 && isV4Mapped(address)) {
        return contains(Arrays.copyOfRange(address, 12, 16));
      }
      return false;
    }
    int whole = prefix / 8;
    for (int i = 0; i < whole; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[whole] & mask) == (network[whole] & 0xff);
  }

  /** Whether one of {@code ranges} contains {@code address}. */
  public static boolean anyContains(List<AddressRange> ranges, byte[] address) {
    for (AddressRange range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  /** The canonical form: network address, slash, prefix length. */
  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(network) + "/" + prefix;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AddressRange other
        && prefix == other.prefix
        && Arrays.equals(network, other.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }
}
