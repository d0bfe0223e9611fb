package io.pxlite.node.volume.qos;

import io.pxlite.api.IoLimits;
import io.pxlite.nbd.IoGate;
import io.pxlite.statemachine.ForegroundActivity;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * One volume's gate on this node, shared by all its NBD connections here: a request first waits for
 * the volume's limit in its direction, then for its place in the node's {@link DeviceShares}.
 * Its policy can change at any time ({@link #apply}); requests already waiting see the new one.
 */
public final class VolumeIoGate implements IoGate {
  /** The share weights of PX's io_priority classes. */
  static double weightOf(String ioPriority) {
    return switch (ioPriority == null ? "medium" : ioPriority) {
      case "high" -> 4;
      case "low" -> 1;
      default -> 2;
    };
  }

  /**
   * What a request costs in the shares: one per request (on this path a 4 KiB request costs nearly
   * what a 64 KiB one does) plus one per 128 KiB it moves, so large transfers weigh by their bytes.
   */
  static long costOf(long bytes) {
    return 1 + bytes / (128 * 1024);
  }

  private final DeviceShares shares;
  private final ForegroundActivity clients;
  private final DeviceShares.Share share;
  private final DirectionLimit reads;
  private final DirectionLimit writes;
  private volatile String ioPriority;
  private volatile IoLimits limits;

  VolumeIoGate(String volume, String ioPriority, IoLimits limits, DeviceShares shares,
      ScheduledExecutorService timer, LongSupplier clock, ForegroundActivity clients) {
    this.shares = shares;
    this.clients = clients;
    this.share = new DeviceShares.Share(volume, weightOf(ioPriority));
    this.reads = new DirectionLimit(limits.readIops(), limits.readBytesPerSecond(), timer, clock);
    this.writes = new DirectionLimit(limits.writeIops(), limits.writeBytesPerSecond(), timer, clock);
    this.ioPriority = ioPriority;
    this.limits = limits;
  }

  /** Puts a (possibly) changed policy in force at once. */
  void apply(String newIoPriority, IoLimits newLimits) {
    if (!newIoPriority.equals(ioPriority)) {
      share.setWeight(weightOf(newIoPriority));
      ioPriority = newIoPriority;
    }
    if (!newLimits.equals(limits)) {
      reads.setLimits(newLimits.readIops(), newLimits.readBytesPerSecond());
      writes.setLimits(newLimits.writeIops(), newLimits.writeBytesPerSecond());
      limits = newLimits;
    }
  }

  String ioPriority() {
    return ioPriority;
  }

  IoLimits limits() {
    return limits;
  }

  @Override
  public CompletableFuture<Void> admit(Direction direction, long bytes) {
    clients.noteClientIo();
    DirectionLimit limit = direction == Direction.READ ? reads : writes;
    long cost = costOf(bytes);
    CompletableFuture<Void> limited = limit.unlimited() ? null : limit.admit(bytes);
    if (limited == null) {
      return shares.admit(share, cost);
    }
    return limited.thenCompose(v -> {
      CompletableFuture<Void> placed = shares.admit(share, cost);
      return placed == null ? CompletableFuture.completedFuture(null) : placed;
    });
  }

  @Override
  public void finished(Direction direction, long bytes) {
    shares.finished(share);
  }
}
