package io.pxlite.node.volume.qos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DeviceSharesTest {
  /** A client keeping {@code depth} requests outstanding on its share. */
  private static final class Client {
    final DeviceShares.Share share;
    final int depth;
    int completed;

    Client(String name, double weight, int depth) {
      this.share = new DeviceShares.Share(name, weight);
      this.depth = depth;
    }
  }

  /** Clients against the shares, the oldest running request completing first (a FIFO device). */
  private static final class Device {
    final DeviceShares shares;
    final ArrayDeque<Client> running = new ArrayDeque<>();
    final Map<Client, ArrayDeque<CompletableFuture<Void>>> waiting = new HashMap<>();

    Device(DeviceShares shares) {
      this.shares = shares;
    }

    Device with(Client... clients) {
      for (Client c : clients) {
        waiting.put(c, new ArrayDeque<>());
        for (int i = 0; i < c.depth; i++) {
          submit(c);
        }
      }
      return this;
    }

    /** Completes {@code n} requests; each client submits a new one for each of its own that completed. */
    void complete(int n) {
      for (int i = 0; i < n; i++) {
        Client done = running.poll();
        done.completed++;
        shares.finished(done.share);
        // Requests admitted by that completion start running.
        waiting.forEach((c, q) -> {
          while (!q.isEmpty() && q.peek().isDone()) {
            q.poll();
            running.add(c);
          }
        });
        submit(done);
      }
    }

    private void submit(Client c) {
      CompletableFuture<Void> admitted = shares.admit(c.share, 1);
      if (admitted == null) {
        running.add(c);
      } else {
        waiting.get(c).add(admitted);
      }
    }
  }

  @Test
  void contendingVolumesCompleteInTheRatioOfTheirWeights() {
    DeviceShares shares = new DeviceShares(32);
    Client high = new Client("high", 4, 32);
    Client low = new Client("low", 1, 32);
    new Device(shares).with(high, low).complete(100_000);
    double ratio = (double) high.completed / low.completed;
    assertThat(ratio).isBetween(3.9, 4.1);
    assertThat(shares.inFlight()).isLessThanOrEqualTo(32 + 32);
  }

  @Test
  void threeClassesShareFourTwoOne() {
    DeviceShares shares = new DeviceShares(16);
    Client high = new Client("high", 4, 16);
    Client medium = new Client("medium", 2, 16);
    Client low = new Client("low", 1, 16);
    new Device(shares).with(high, medium, low).complete(70_000);
    assertThat((double) high.completed / low.completed).isBetween(3.9, 4.1);
    assertThat((double) medium.completed / low.completed).isBetween(1.95, 2.05);
  }

  @Test
  void aVolumeAloneIsNeverHeldBack() {
    DeviceShares shares = new DeviceShares(4);
    DeviceShares.Share alone = new DeviceShares.Share("alone", 1);
    for (int i = 0; i < 100; i++) {
      assertThat(shares.admit(alone, 1)).as("request %d", i).isNull();
    }
    assertThat(shares.inFlight()).isEqualTo(100);
    assertThat(shares.waiting()).isZero();
  }

  @Test
  void aLateComerWaitsUntilTheWindowHasRoomThenGetsItsShare() {
    DeviceShares shares = new DeviceShares(2);
    DeviceShares.Share first = new DeviceShares.Share("first", 1);
    DeviceShares.Share second = new DeviceShares.Share("second", 1);
    shares.admit(first, 1);
    shares.admit(first, 1);
    shares.admit(first, 1);
    CompletableFuture<Void> late = shares.admit(second, 1);
    assertThat(late).isNotNull().isNotDone();
    // The first's next request waits behind the late comer.
    CompletableFuture<Void> firstNext = shares.admit(first, 1);
    assertThat(firstNext).isNotNull();
    shares.finished(first); // 2 in flight: still no room
    assertThat(late).isNotDone();
    shares.finished(first); // 1 in flight: room for one, and the second's pass is lower
    assertThat(late).isDone();
    assertThat(firstNext).isNotDone();
    shares.finished(first);
    assertThat(firstNext).isDone();
  }

  @Test
  void anIdleVolumeEarnsNoCredit() {
    DeviceShares shares = new DeviceShares(1);
    Client a = new Client("a", 1, 4);
    Client b = new Client("b", 1, 4);
    Device device = new Device(shares).with(a);
    device.complete(10_000);
    a.completed = 0;
    // b arrives after a ran alone for a long time: it gets half, not all, of what follows.
    device.with(b).complete(10_000);
    assertThat((double) b.completed / a.completed).isBetween(0.9, 1.1);
  }

  @Test
  void weightsMustBePositive() {
    assertThatThrownBy(() -> new DeviceShares.Share("x", 0)).hasMessageContaining("positive weight");
    assertThatThrownBy(() -> new DeviceShares(0)).hasMessageContaining("at least one");
  }
}
