package io.pxlite.node.telemetry;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.pxlite.ops.metrics.MetricName;
import io.pxlite.ops.metrics.SourcedCounter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The series of things that come and go (volumes, groups, followers): each key's metrics are
 * registered when it first appears and removed when it is gone, so a deleted volume leaves no stale
 * series behind. Touched by the sampler thread only.
 */
final class KeyedSeries {
  /** Registers one key's metrics. */
  final class Registrar {
    private final List<String> names;
    private final String[] labels;

    private Registrar(List<String> names, String[] labels) {
      this.names = names;
      this.labels = labels;
    }

    void gauge(String family, LongSupplier value) {
      String name = MetricName.of(family, labels);
      registry.gauge(name, () -> (Gauge<Long>) value::getAsLong);
      names.add(name);
    }

    /** A counter whose count is read from {@code total} (a count kept elsewhere that only grows). */
    void counter(String family, LongSupplier total) {
      String name = MetricName.of(family, labels);
      registry.register(name, new SourcedCounter(total));
      names.add(name);
    }
  }

  /** What registers a newly seen key's metrics, given its labels. */
  interface Registration {
    void register(String key, Registrar series);
  }

  private final MetricRegistry registry;
  private final Map<String, List<String>> registered = new HashMap<>();

  KeyedSeries(MetricRegistry registry) {
    this.registry = registry;
  }

  /**
   * Makes the registered keys exactly {@code labelsByKey}'s: new keys are registered with their
   * labels (label, value, …), keys no longer present are removed.
   */
  void sync(Map<String, String[]> labelsByKey, Registration registration) {
    for (Map.Entry<String, String[]> key : labelsByKey.entrySet()) {
      if (!registered.containsKey(key.getKey())) {
        List<String> names = new ArrayList<>();
        registration.register(key.getKey(), new Registrar(names, key.getValue()));
        registered.put(key.getKey(), names);
      }
    }
    for (String gone : Set.copyOf(registered.keySet())) {
      if (!labelsByKey.containsKey(gone)) {
        registered.remove(gone).forEach(registry::remove);
      }
    }
  }
}
