package io.pxlite.node.volume.qos;

import io.pxlite.api.IoLimits;
import io.pxlite.nbd.IoGate;
import io.pxlite.statemachine.ForegroundActivity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The I/O gates of the volumes served on this node, one per volume (all its connections here share
 * it), over one {@link DeviceShares} for the node. Policies come from the volumes' records: when a
 * connection opens, when this node changes one, and from {@link PolicyRefresh} for changes made
 * through other nodes.
 */
public final class VolumeIoControl implements AutoCloseable {
  /**
   * Requests running at once while volumes contend. Measured on a 2-core node with two fio clients at
   * QD32 (IoPolicyIT): 32 rarely filled (the node answers faster than the clients submit, so nothing
   * waited and high:low came out 1.7 instead of 4); 16 gave 3.97 and 19k IOPS together; 8 gave 3.98
   * but only 14.5k.
   */
  static final int DEFAULT_WINDOW = Integer.getInteger("pxlite.io.shareWindow", 16);

  /**
   * {@code -Dpxlite.io.policies=off}: no gate at all (limits and priorities ignored), to measure what
   * the gate costs (bench/policy-cost.sh).
   */
  static final boolean ENABLED = !"off".equals(System.getProperty("pxlite.io.policies"));

  private final DeviceShares shares;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "pxlite-io-limits");
    t.setDaemon(true);
    return t;
  });
  private final Map<Long, VolumeIoGate> gates = new ConcurrentHashMap<>();
  private final ForegroundActivity clients;

  public VolumeIoControl(ForegroundActivity clients) {
    this(DEFAULT_WINDOW, clients);
  }

  /** @param clients noted on every request admitted, so rebuilds on this node yield to clients */
  public VolumeIoControl(int window, ForegroundActivity clients) {
    this.shares = new DeviceShares(window);
    this.clients = clients;
  }

  /** The gate of volume {@code id}, with this policy in force (created on first use). */
  public IoGate gate(long id, String name, String ioPriority, IoLimits limits) {
    if (!ENABLED) {
      return IoGate.OPEN;
    }
    VolumeIoGate gate = gates.computeIfAbsent(id,
        k -> new VolumeIoGate(name, ioPriority, limits, shares, timer, System::nanoTime, clients));
    gate.apply(ioPriority, limits);
    return gate;
  }

  /** Puts volume {@code id}'s policy in force, if it is served here; a no-op otherwise. */
  public void apply(long id, String ioPriority, IoLimits limits) {
    VolumeIoGate gate = gates.get(id);
    if (gate != null) {
      gate.apply(ioPriority, limits);
    }
  }

  /** The ids of the volumes with a gate here. */
  public java.util.Set<Long> served() {
    return java.util.Set.copyOf(gates.keySet());
  }

  /** Forgets a deleted volume's gate. */
  public void forget(long id) {
    gates.remove(id);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
