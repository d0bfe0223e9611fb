package io.pxlite.ops.metrics;

import com.codahale.metrics.Counter;
import java.util.function.LongSupplier;

/**
 * A Dropwizard counter whose count is kept elsewhere (a timer's count, a store's LongAdder), so the
 * bridge exports it as a Prometheus counter without a second count on the path that keeps it.
 */
public final class SourcedCounter extends Counter {
  private final LongSupplier total;

  public SourcedCounter(LongSupplier total) {
    this.total = total;
  }

  @Override
  public long getCount() {
    return total.getAsLong();
  }
}
