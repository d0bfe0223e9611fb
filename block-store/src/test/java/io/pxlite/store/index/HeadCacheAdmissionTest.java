package io.pxlite.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A lookup's result enters the head cache only if no change evicted its entry while it ran. */
class HeadCacheAdmissionTest {
  private final HeadCache cache = new HeadCache(10);

  @Test
  void aLookupThatRacedAChangeIsNotAdmitted() {
    long stamp = cache.stamp(1, 42);
    // The change is written and evicts the block while the lookup still holds the old version.
    cache.evict(1, 42);
    cache.admit(stamp, 1, 42, 7, BlockLocation.DATA, 1234, 99);
    assertThat(cache.find(1, 42, new BlockVersions(1))).isFalse();
  }

  @Test
  void aLookupThatRacedNothingIsAdmittedAndFound() {
    long stamp = cache.stamp(1, 42);
    cache.admit(stamp, 1, 42, 7, BlockLocation.DATA, 1234, 99);
    BlockVersions found = new BlockVersions(1);
    assertThat(cache.find(1, 42, found)).isTrue();
    assertThat(found.size()).isEqualTo(1);
    assertThat(found.version(0)).isEqualTo(7);
    assertThat(found.address(0)).isEqualTo(1234);
    assertThat(found.crc(0)).isEqualTo(99);
    assertThat(cache.find(2, 42, new BlockVersions(1))).as("another volume's block").isFalse();
  }

  @Test
  void evictingEverythingForgetsEveryEntryAndRefusesLookupsInFlight() {
    long inFlight = cache.stamp(3, 1);
    for (long b = 0; b < 100; b++) {
      cache.admit(cache.stamp(3, b), 3, b, b, BlockLocation.DATA, b, (int) b);
    }
    cache.evictAll();
    for (long b = 0; b < 100; b++) {
      assertThat(cache.find(3, b, new BlockVersions(1))).as("block %d", b).isFalse();
    }
    cache.admit(inFlight, 3, 1, 1, BlockLocation.DATA, 1, 1);
    assertThat(cache.find(3, 1, new BlockVersions(1))).isFalse();
  }
}
