package dev.weir.dataplane.balance;

/**
 * A 64-bit hash of text that is the same in every JVM and on every replica (unlike identity or
 * randomised hashes), which is what lets a cookie or a hash key mean the same endpoint everywhere:
 * FNV-1a over the UTF-16 chars, then MurmurHash3's finaliser so that keys differing in one trailing
 * character land far apart on the ring.
 */
final class StableHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private StableHash() {}

  static long of(CharSequence text) {
    long h = FNV_OFFSET;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      h = (h ^ (c & 0xff)) * FNV_PRIME;
      h = (h ^ (c >>> 8)) * FNV_PRIME;
    }
    return mix(h);
  }

  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
