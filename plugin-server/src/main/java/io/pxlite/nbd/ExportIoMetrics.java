package io.pxlite.nbd;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.pxlite.ops.metrics.MetricName;
import io.pxlite.ops.metrics.SourcedCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One export's I/O as this node serves it, over all its connections: requests and bytes by kind,
 * latency from request to reply, and how many are in flight. Recorded on the request path, so every
 * part is lock-free (LongAdder counters, a lock-free reservoir for the timers).
 */
final class ExportIoMetrics {
  private final MetricRegistry registry;
  private final List<String> names = new ArrayList<>();
  private final Counter readBytes;
  private final Counter writtenBytes;
  private final Counter trims;
  private final Counter trimmedBytes;
  private final Counter errors;
  private final Timer readLatency;
  private final Timer writeLatency;
  private final Timer flushLatency;
  private final AtomicInteger inFlight = new AtomicInteger();

  ExportIoMetrics(MetricRegistry registry, String id, String name) {
    this.registry = registry;
    String[] labels = {"volumeid", id, "volumename", name};
    readBytes = counter("px_volume_read_bytes_total", labels);
    writtenBytes = counter("px_volume_written_bytes_total", labels);
    trims = counter("pxlite_volume_trims_total", labels);
    trimmedBytes = counter("pxlite_volume_trimmed_bytes_total", labels);
    errors = counter("pxlite_volume_errors_total", labels);
    readLatency = timer("px_volume_read_latency_seconds", labels);
    writeLatency = timer("px_volume_write_latency_seconds", labels);
    flushLatency = timer("pxlite_volume_flush_latency_seconds", labels);
    gauge("px_volume_depth_io", labels, inFlight::get);
    // Each timer counts its requests and keeps their rate: the request counters and IOPS are read
    // from them rather than counted a second time per request.
    sourced("px_volume_reads_total", labels, readLatency::getCount);
    sourced("px_volume_writes_total", labels, writeLatency::getCount);
    sourced("pxlite_volume_flushes_total", labels, flushLatency::getCount);
    gauge("px_volume_iops", labels, () -> readLatency.getOneMinuteRate() + writeLatency.getOneMinuteRate());
  }

  void started() {
    inFlight.incrementAndGet();
  }

  /** A request of {@code command} for {@code length} bytes, started at {@code startNanos}, got its reply. */
  void finished(int command, long length, long startNanos, boolean failed) {
    inFlight.decrementAndGet();
    if (failed) {
      errors.inc();
      return;
    }
    long nanos = System.nanoTime() - startNanos;
    switch (command) {
      case NbdProtocol.CMD_READ -> {
        readBytes.inc(length);
        readLatency.update(nanos, TimeUnit.NANOSECONDS);
      }
      case NbdProtocol.CMD_WRITE -> {
        writtenBytes.inc(length);
        writeLatency.update(nanos, TimeUnit.NANOSECONDS);
      }
      case NbdProtocol.CMD_TRIM, NbdProtocol.CMD_WRITE_ZEROES -> {
        trims.inc();
        trimmedBytes.inc(length);
      }
      case NbdProtocol.CMD_FLUSH -> {
        flushLatency.update(nanos, TimeUnit.NANOSECONDS);
      }
      default -> { }
    }
  }

  void unregister() {
    names.forEach(registry::remove);
  }

  private Counter counter(String family, String[] labels) {
    return registry.counter(named(family, labels));
  }

  private void sourced(String family, String[] labels, java.util.function.LongSupplier count) {
    registry.register(named(family, labels), new SourcedCounter(count));
  }

  private Timer timer(String family, String[] labels) {
    return registry.timer(named(family, labels),
        () -> new Timer(LockFreeExponentiallyDecayingReservoir.builder().build()));
  }

  private <T> void gauge(String family, String[] labels, Gauge<T> gauge) {
    registry.gauge(named(family, labels), () -> gauge);
  }

  private String named(String family, String[] labels) {
    String name = MetricName.of(family, labels);
    names.add(name);
    return name;
  }
}
