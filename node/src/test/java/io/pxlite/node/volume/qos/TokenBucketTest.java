package io.pxlite.node.volume.qos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aFullBucketAllowsItsBurstThenTheRate() {
    TokenBucket bucket = new TokenBucket(500, 0);
    int started = 0;
    while (bucket.waitNanos(1, 0) == 0) {
      bucket.take(1);
      started++;
    }
    assertThat(started).as("a burst of 0.1 s of 500/s").isEqualTo(50);
    // Then one every 2 ms.
    assertThat(bucket.waitNanos(1, 0)).isEqualTo(2_000_000);
    assertThat(bucket.waitNanos(1, 2_000_000)).isZero();
  }

  @Test
  void overTimeTheRateHolds() {
    TokenBucket bucket = new TokenBucket(1000, 0);
    long now = 0;
    int started = 0;
    while (now < 10 * SECOND) {
      long wait = bucket.waitNanos(1, now);
      if (wait == 0) {
        bucket.take(1);
        started++;
      } else {
        now += wait;
      }
    }
    // 10 s at 1000/s plus the initial burst of 100.
    assertThat(started).isBetween(10_099, 10_101);
  }

  @Test
  void aRequestLargerThanTheBucketGoesWhenFullAndLeavesDebt() {
    TokenBucket bucket = new TokenBucket(1 << 20, 0); // 1 MiB/s: holds 104,857 bytes
    assertThat(bucket.waitNanos(4 << 20, 0)).isZero();
    bucket.take(4 << 20);
    // The debt: about 4 MiB - 0.1 MiB at 1 MiB/s before anything else goes.
    long wait = bucket.waitNanos(4096, 0);
    assertThat(wait).isBetween((long) (3.9 * SECOND), (long) (4.0 * SECOND));
  }

  @Test
  void zeroIsUnlimitedAndARateChangeKeepsSavedTokensUpToTheNewCapacity() {
    TokenBucket bucket = new TokenBucket(0, 0);
    assertThat(bucket.unlimited()).isTrue();
    assertThat(bucket.waitNanos(Long.MAX_VALUE / 2, 0)).isZero();
    bucket.setRate(100, 0);
    assertThat(bucket.unlimited()).isFalse();
    assertThat(bucket.waitNanos(1, 0)).isZero();
    bucket.take(10);
    assertThat(bucket.waitNanos(1, 0)).isEqualTo(10_000_000);
  }
}
