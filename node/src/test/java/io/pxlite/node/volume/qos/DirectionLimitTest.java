package io.pxlite.node.volume.qos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On a real timer and clock: the limit's waiters are admitted at the rate, in order, and see changes at once. */
class DirectionLimitTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void waitersAreAdmittedInOrderAtTheRate() throws Exception {
    DirectionLimit limit = new DirectionLimit(1000, 0, timer, System::nanoTime);
    long start = System.nanoTime();
    List<CompletableFuture<Void>> admitted = new ArrayList<>();
    int immediate = 0;
    for (int i = 0; i < 600; i++) {
      CompletableFuture<Void> f = limit.admit(4096);
      if (f == null) {
        immediate++;
      } else {
        admitted.add(f);
      }
    }
    assertThat(immediate).as("the burst").isEqualTo(100);
    CompletableFuture.allOf(admitted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    // 500 beyond the burst at 1000/s: half a second, and not much more.
    assertThat(seconds).isBetween(0.49, 1.5);
    for (int i = 1; i < admitted.size(); i++) {
      assertThat(admitted.get(i - 1)).isDone();
    }
  }

  @Test
  void bandwidthLimitsByBytes() throws Exception {
    DirectionLimit limit = new DirectionLimit(0, 10 << 20, timer, System::nanoTime); // 10 MiB/s
    long start = System.nanoTime();
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      CompletableFuture<Void> f = limit.admit(1 << 20);
      if (f != null) {
        waits.add(f);
      }
    }
    CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    // 6 MiB, 1 MiB of burst: the last starts after about 0.5 s.
    assertThat((System.nanoTime() - start) / 1e9).isBetween(0.45, 1.5);
  }

  @Test
  void raisingTheLimitReleasesWaitersAtOnce() throws Exception {
    DirectionLimit limit = new DirectionLimit(1, 0, timer, System::nanoTime); // 1 IOPS: waiters wait seconds
    assertThat(limit.admit(4096)).isNull();
    CompletableFuture<Void> second = limit.admit(4096);
    CompletableFuture<Void> third = limit.admit(4096);
    assertThat(second).isNotNull();
    long start = System.nanoTime();
    limit.setLimits(0, 0);
    CompletableFuture.allOf(second, third).get(5, TimeUnit.SECONDS);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(0.5);
    assertThat(limit.admit(4096)).isNull();
    assertThat(limit.unlimited()).isTrue();
  }
}
