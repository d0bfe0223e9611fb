package io.pxlite.store.index;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The newest stored version of recently read blocks, so that a read of a volume's head finds its
 * slot and checksum without a RocksDB lookup (measured: the lookup, one {@code seekForPrev} over the
 * memtables and every level, was 40% of a 4 KiB read's CPU). Direct-mapped and bounded: a block
 * takes the one entry its (volume, block) hashes to, displacing whatever was there.
 *
 * <p>It never holds a version the index no longer has as newest: every committed change that puts
 * or deletes block keys evicts those blocks after its batch is written ({@link #evict}, {@link
 * #evictAll}), and a lookup's result is admitted only if no eviction hit its entry since the lookup
 * began ({@link #stamp} before reading RocksDB, {@link #admit} with that stamp after). A lookup that
 * began before a change was written can therefore not put the old version back after the eviction.
 */
final class HeadCache {
  private static final int STRIPES = 1024;

  private final int mask;
  private final long[] volume;
  private final long[] block;
  private final long[] version;
  private final long[] address;
  private final int[] crc;
  private final byte[] kind;
  /** Per stripe, the number of evictions so far; a lookup admits its result only if it is unchanged. */
  private final AtomicLongArray evictions = new AtomicLongArray(STRIPES);
  private final Object[] locks = new Object[STRIPES];

  /** A cache of {@code 2^bits} entries (about 37 bytes each). */
  HeadCache(int bits) {
    if (bits < 10 || bits > 26) {
      throw new IllegalArgumentException("a head cache has 2^10 to 2^26 entries, not 2^" + bits);
    }
    int size = 1 << bits;
    mask = size - 1;
    volume = new long[size];
    block = new long[size];
    version = new long[size];
    address = new long[size];
    crc = new int[size];
    kind = new byte[size]; // 0: empty entry
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  private int entry(long volumeId, long blockNo) {
    long h = volumeId * 0x9E3779B97F4A7C15L + blockNo;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return (int) h & mask;
  }

  private static int stripe(int entry) {
    return entry & (STRIPES - 1);
  }

  /** Appends the block's cached newest version to {@code out}; false if it is not cached. */
  boolean find(long volumeId, long blockNo, BlockVersions out) {
    int e = entry(volumeId, blockNo);
    synchronized (locks[stripe(e)]) {
      if (kind[e] == 0 || volume[e] != volumeId || block[e] != blockNo) {
        return false;
      }
      out.add(blockNo, version[e], kind[e], address[e], crc[e]);
      return true;
    }
  }

  /** Taken before the RocksDB lookup whose result may be {@link #admit admitted}. */
  long stamp(long volumeId, long blockNo) {
    return evictions.get(stripe(entry(volumeId, blockNo)));
  }

  /** Caches what a lookup begun at {@code stamp} found as the block's newest version, unless an eviction came between. */
  void admit(long stamp, long volumeId, long blockNo, long newest, byte newestKind, long slotAddress, int checksum) {
    int e = entry(volumeId, blockNo);
    int s = stripe(e);
    synchronized (locks[s]) {
      if (evictions.get(s) != stamp) {
        return;
      }
      volume[e] = volumeId;
      block[e] = blockNo;
      version[e] = newest;
      address[e] = slotAddress;
      crc[e] = checksum;
      kind[e] = newestKind;
    }
  }

  /** Forgets one block; called after a change to its keys is written. */
  void evict(long volumeId, long blockNo) {
    int e = entry(volumeId, blockNo);
    int s = stripe(e);
    synchronized (locks[s]) {
      evictions.incrementAndGet(s);
      if (volume[e] == volumeId && block[e] == blockNo) {
        kind[e] = 0;
      }
    }
  }

  /** Forgets everything; called after a change deleted a range of keys. */
  void evictAll() {
    for (int s = 0; s < STRIPES; s++) {
      synchronized (locks[s]) {
        evictions.incrementAndGet(s);
        for (int e = s; e <= mask; e += STRIPES) {
          kind[e] = 0;
        }
      }
    }
  }
}
