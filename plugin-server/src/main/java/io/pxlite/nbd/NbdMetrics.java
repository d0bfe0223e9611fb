package io.pxlite.nbd;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.pxlite.ops.metrics.MetricName;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the NBD server counts, in the node's registry: connections, requests by command, errors by
 * kind, and each export's I/O ({@link ExportIoMetrics}, shared by every connection to it). Names are
 * in {@code ops/METRICS.md}.
 */
public final class NbdMetrics {
  private final MetricRegistry registry;
  private final boolean perVolume;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter accepted;
  private final Counter[] requestsByCommand = new Counter[NbdProtocol.CMD_BLOCK_STATUS + 1];
  private final Map<NbdError, Counter> errorsByKind = new EnumMap<>(NbdError.class);
  private final Map<String, ExportIoMetrics> exports = new ConcurrentHashMap<>();

  /**
   * @param perVolume whether each export's I/O is timed and counted; off only to measure what that costs
   */
  public NbdMetrics(MetricRegistry registry, boolean perVolume) {
    this.registry = registry;
    this.perVolume = perVolume;
    registry.gauge("pxlite_nbd_connections", () -> (Gauge<Integer>) open::get);
    accepted = registry.counter("pxlite_nbd_connections_accepted_total");
    for (int command = 0; command < requestsByCommand.length; command++) {
      if (command != NbdProtocol.CMD_DISC) {
        requestsByCommand[command] = registry.counter(
            MetricName.of("pxlite_nbd_requests_total", "command", commandName(command)));
      }
    }
    for (NbdError error : NbdError.values()) {
      errorsByKind.put(error, registry.counter(
          MetricName.of("pxlite_nbd_errors_total", "kind", error.name().toLowerCase(Locale.ROOT))));
    }
  }

  void connectionOpened() {
    accepted.inc();
    open.incrementAndGet();
  }

  void connectionClosed() {
    open.decrementAndGet();
  }

  /** The I/O metrics of {@code export}, created at its first connection; null when per-volume metrics are off. */
  ExportIoMetrics of(NbdExport export) {
    if (!perVolume) {
      return null;
    }
    return exports.computeIfAbsent(export.id(), id -> new ExportIoMetrics(registry, id, export.name()));
  }

  void request(int command) {
    Counter counter = command < requestsByCommand.length ? requestsByCommand[command] : null;
    if (counter != null) {
      counter.inc();
    }
  }

  void error(NbdError error) {
    errorsByKind.get(error).inc();
  }

  /** Drops the series of exports not in {@code liveIds} (deleted volumes and snapshots). */
  public void retainExports(Set<String> liveIds) {
    exports.entrySet().removeIf(e -> {
      if (liveIds.contains(e.getKey())) {
        return false;
      }
      e.getValue().unregister();
      return true;
    });
  }

  static String commandName(int command) {
    return switch (command) {
      case NbdProtocol.CMD_READ -> "read";
      case NbdProtocol.CMD_WRITE -> "write";
      case NbdProtocol.CMD_DISC -> "disc";
      case NbdProtocol.CMD_FLUSH -> "flush";
      case NbdProtocol.CMD_TRIM -> "trim";
      case NbdProtocol.CMD_CACHE -> "cache";
      case NbdProtocol.CMD_WRITE_ZEROES -> "write_zeroes";
      case NbdProtocol.CMD_BLOCK_STATUS -> "block_status";
      default -> "unknown";
    };
  }
}
