package io.pxlite.node.volume;

import java.security.SecureRandom;

/**
 * Volume and snapshot ids: random 63-bit numbers, shown as 16 hex digits. Random rather than
 * counted so that creating one needs no coordination beyond the name reservation in the kvdb.
 */
public final class VolumeIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private VolumeIds() {}

  static long next() {
    long id;
    do {
      id = RANDOM.nextLong() & Long.MAX_VALUE;
    } while (id == 0);
    return id;
  }

  public static String format(long id) {
    return String.format("%016x", id);
  }
}
